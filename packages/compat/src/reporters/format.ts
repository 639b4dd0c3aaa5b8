import type { GateResult } from "../gate.js";
import { formatGithubActions } from "./github-actions.js";
import { formatJunit } from "./junit.js";
import { formatMarkdown } from "./markdown.js";
import { formatSarif } from "./sarif.js";
import { formatJson, formatText } from "./text.js";

export const ERROR_FORMATS = [
  "text",
  "json",
  "github-actions",
  "junit",
  "sarif",
  "markdown",
] as const;
export type ErrorFormat = (typeof ERROR_FORMATS)[number];

/** Renders a gate result in one of the output formats. */
export function formatResult(format: ErrorFormat, result: GateResult): string {
  switch (format) {
    case "text":
      return formatText(result);
    case "json":
      return formatJson(result);
    case "github-actions":
      return formatGithubActions(result);
    case "junit":
      return formatJunit(result);
    case "sarif":
      return formatSarif(result);
    case "markdown":
      return formatMarkdown(result);
  }
}

/** "2 breaking changes, 1 accepted" and friends. */
export function summaryLine(result: GateResult): string {
  const blocking = result.findings.filter((f) => !f.accepted).length;
  const accepted = result.findings.length - blocking;
  const head =
    blocking === 0
      ? "no breaking changes"
      : `${blocking} breaking change${blocking === 1 ? "" : "s"}`;
  return `${head}${accepted > 0 ? `, ${accepted} accepted` : ""} (policy ${result.policy}, against ${result.against})`;
}
