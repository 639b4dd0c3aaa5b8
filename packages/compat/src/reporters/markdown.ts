import type { Finding } from "../finding.js";
import type { GateResult } from "../gate.js";
import { summaryLine } from "./format.js";

/** A pull-request comment: a summary, then one table per file. */
export function formatMarkdown(result: GateResult): string {
  const blocking = result.findings.some((f) => !f.accepted);
  const lines = [
    `## ${blocking ? "❌" : "✅"} ContractKit breaking-change check`,
    "",
    summaryLine(result),
    "",
  ];
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings)
    byFile.set(f.location.file, [...(byFile.get(f.location.file) ?? []), f]);
  for (const [file, findings] of byFile) {
    lines.push(
      `### \`${file}\``,
      "",
      "| | Line | Rule | Element | Change | Fix |",
      "|---|---|---|---|---|---|",
    );
    for (const f of findings) {
      const status = f.accepted ? `accepted: ${f.accepted.reason}` : "breaking";
      const line = `${f.location.line}:${f.location.column}${f.location.side === "baseline" ? " (baseline)" : ""}`;
      lines.push(
        `| ${cell(status)} | ${line} | \`${f.rule}\` | \`${f.element}\` | ${cell(f.message)} | ${cell(f.hint)} |`,
      );
    }
    lines.push("");
  }
  return `${lines.join("\n")}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
