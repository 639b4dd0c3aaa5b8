import type { GateResult } from "../gate.js";
import { summaryLine } from "./format.js";

/** GitHub Actions workflow commands: an annotation on the changed line of each finding. */
export function formatGithubActions(result: GateResult): string {
  const lines = result.findings.map((f) => {
    const level = f.accepted ? "notice" : "error";
    const props = [
      `file=${prop(f.location.file)}`,
      `line=${f.location.line}`,
      `col=${f.location.column}`,
      `title=${prop(`${f.rule} ${f.element}`)}`,
    ];
    const text = f.accepted
      ? `${f.message}\nAccepted: ${f.accepted.reason}`
      : `${f.message}\nFix: ${f.hint}`;
    return `::${level} ${props.join(",")}::${data(text)}`;
  });
  lines.push(summaryLine(result));
  return `${lines.join("\n")}\n`;
}

function data(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function prop(s: string): string {
  return data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
