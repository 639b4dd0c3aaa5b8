import type { BreakingException } from "./config.js";
import type { ContractIndex } from "./contract-index.js";
import { createFinding, type Finding } from "./finding.js";

export interface ExceptionSource {
  exceptions: readonly BreakingException[];
  /** The config file's name for messages (default `contractkit.yaml`). */
  file?: string;
  /** 1-based line of each exception in the file, when known. */
  lines?: readonly number[];
}

const INLINE = /contractkit:accept\s+([A-Z0-9_]+)(?:\s+reason=([^\n]*))?/g;

/**
 * Marks findings accepted by a contractkit.yaml exception or an inline
 * `// contractkit:accept RULE reason=…` comment on the element (or on an enclosing
 * element, for something deleted). An expired exception does not accept anything and
 * adds a failing CK_EXCEPTION_EXPIRED finding.
 */
export function applyExceptions(
  findings: Finding[],
  source: ExceptionSource,
  current: ContractIndex,
  today: string,
): Finding[] {
  const out: Finding[] = [];
  const file = source.file ?? "contractkit.yaml";
  source.exceptions.forEach((ex, i) => {
    if (ex.expires >= today) return;
    out.push(
      createFinding({
        rule: "CK_EXCEPTION_EXPIRED",
        category: "policy",
        location: { file, line: source.lines?.[i] ?? 1, column: 1, side: "current" },
        element: ex.element,
        message: `the exception for ${ex.rule} on ${ex.element} (approved by ${ex.approver}) expired on ${ex.expires}.`,
        hint: "fix the contract, or renew the exception with a new expiry date and approver; remove it once it is no longer needed",
        source: "contractkit",
        subject: ex.rule,
      }),
    );
  });
  for (const f of findings) {
    const ex = source.exceptions.find((e) => e.element === f.element && f.rules.includes(e.rule));
    if (ex && ex.expires >= today) {
      out.push({
        ...f,
        accepted: { via: "config", reason: ex.reason, approver: ex.approver, expires: ex.expires },
      });
      continue;
    }
    const inline = inlineAcceptance(f, current);
    if (inline?.reason) out.push({ ...f, accepted: { via: "inline", reason: inline.reason } });
    else if (inline)
      out.push({
        ...f,
        hint: `${f.hint} (the inline contractkit:accept has no reason=…, so it is ignored)`,
      });
    else out.push(f);
  }
  return out;
}

function inlineAcceptance(f: Finding, current: ContractIndex): { reason: string } | undefined {
  const parts = f.element.split(".");
  for (let n = parts.length; n > 0; n--) {
    const e = current.byName.get(parts.slice(0, n).join("."));
    if (!e?.comments) continue;
    for (const m of e.comments.matchAll(INLINE)) {
      if (f.rules.includes(m[1] as string)) return { reason: (m[2] ?? "").trim() };
    }
  }
  return undefined;
}
