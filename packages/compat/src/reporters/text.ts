import type { GateResult } from "../gate.js";
import { summaryLine } from "./format.js";

/** `file:line:col: RULE element: message` with the hint indented below, then a summary. */
export function formatText(result: GateResult): string {
  const lines: string[] = [];
  for (const f of result.findings) {
    const where = `${f.location.file}:${f.location.line}:${f.location.column}`;
    const tag = f.accepted ? `accepted ${f.rule}` : f.rule;
    lines.push(
      `${where}: ${tag} ${f.element}: ${f.message}${f.location.side === "baseline" ? " (position in the baseline)" : ""}`,
    );
    if (f.accepted) {
      const by = f.accepted.approver
        ? `, approved by ${f.accepted.approver} until ${f.accepted.expires}`
        : ", inline";
      lines.push(`    accepted: ${f.accepted.reason}${by}`);
    } else lines.push(`    fix: ${f.hint}`);
  }
  lines.push(summaryLine(result));
  return `${lines.join("\n")}\n`;
}

/** The whole result as JSON (stable field names; findings sorted). */
export function formatJson(result: GateResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
