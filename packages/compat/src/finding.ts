import { createHash } from "node:crypto";

/** What kind of promise a finding is about. */
export type FindingCategory = "wire" | "json" | "rpc-surface" | "binding" | "validation" | "policy";

/** Where a finding points: the current file, or the baseline's for something deleted. */
export interface FindingLocation {
  /** The user's path of the file. */
  file: string;
  line: number;
  column: number;
  /** `baseline` when the element no longer exists in the current contract. */
  side: "current" | "baseline";
}

/** An accepted break: an exception from contractkit.yaml or an inline comment. */
export interface Acceptance {
  via: "config" | "inline";
  reason: string;
  approver?: string;
  expires?: string;
}

/**
 * One incompatibility. Findings are data: the gate never throws for them. `rule` is the
 * buf rule id or ContractKit's `CK_*` id; `rules` lists every id that reported the same
 * element (buf reports a deletion once per reserved name and number).
 */
export interface Finding {
  rule: string;
  rules: string[];
  category: FindingCategory;
  location: FindingLocation;
  /** Full name of the element (`pkg.Message.field`), or the file path for file-level rules. */
  element: string;
  message: string;
  hint: string;
  /** Stable across line moves and reformatting: rule + element + subject. */
  fingerprint: string;
  source: "buf" | "contractkit";
  accepted?: Acceptance;
}

export interface FindingInput {
  rule: string;
  rules?: string[];
  category: FindingCategory;
  location: FindingLocation;
  element: string;
  message: string;
  hint: string;
  source: "buf" | "contractkit";
  /** Distinguishes two findings of one rule on one element (default: none). */
  subject?: string;
}

export function createFinding(input: FindingInput): Finding {
  const { subject, rules, ...rest } = input;
  return {
    ...rest,
    rules: rules ?? [input.rule],
    fingerprint: fingerprintOf(input.rule, input.element, subject ?? ""),
  };
}

export function fingerprintOf(rule: string, element: string, subject: string): string {
  return createHash("sha256").update(`${rule}\0${element}\0${subject}`).digest("hex").slice(0, 16);
}

/** Failing findings: not accepted. */
export function isBlocking(finding: Finding): boolean {
  return finding.accepted === undefined;
}

/** file, then line, then column, then rule: the order every reporter prints. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.location.file.localeCompare(b.location.file) ||
    a.location.line - b.location.line ||
    a.location.column - b.location.column ||
    a.rule.localeCompare(b.rule) ||
    a.element.localeCompare(b.element)
  );
}
