import type * as z from "zod";
import { fastCheckOf } from "./fast-check.js";

/** One reason a value does not satisfy its contract. */
export interface Violation {
  /** Field path, e.g. `items[0].quantity`; empty for the message itself. */
  path: string;
  /** Rule id: a protovalidate rule id (`string.email`, `int32.gt`) or a type rule (`type`). */
  rule: string;
  /** Human-readable; never contains the value of a sensitive field. */
  message: string;
}

/** Anything `validate` accepts: a zod schema, or a definition that carries one. */
export type Validatable<T = unknown> =
  | z.ZodType<T>
  | {
      readonly schema: z.ZodType<T>;
      /** Extra rules the zod schema cannot express (CEL), evaluated after it. */
      readonly extraRules?: (value: T) => Violation[];
    };

/**
 * Validates a decoded message against its contract and returns every violation (an
 * empty array when it is valid). Never throws for invalid data. Unknown enum numbers and
 * unknown fields are accepted: newer producers may send them.
 */
export function validate<T>(target: Validatable<T>, value: unknown): Violation[] {
  const schema = "schema" in target ? target.schema : target;
  const extra = "extraRules" in target ? target.extraRules : undefined;
  // Fast accept: a plain check of shape and standard rules, when the schema has one.
  if (fastCheckOf(schema)?.(value)) return extra ? extra(value as T) : [];
  const result = schema.safeParse(value);
  const violations: Violation[] = result.success ? [] : result.error.issues.map(issueToViolation);
  // CEL rules need a well-shaped message: they run when the value parsed, or when the
  // only issues are rule violations (so both kinds are reported together).
  if (extra && (result.success || result.error.issues.every(isRuleIssue))) {
    violations.push(...extra(result.success ? result.data : (value as T)));
  }
  return violations;
}

function isRuleIssue(issue: z.core.$ZodIssue): boolean {
  const params = (issue as { params?: { rule?: unknown } }).params;
  return issue.code === "custom" && typeof params?.rule === "string";
}

/** Formats a zod path as `items[0].quantity`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function issueToViolation(issue: z.core.$ZodIssue): Violation {
  const params = (issue as { params?: { rule?: unknown } }).params;
  const rule = typeof params?.rule === "string" ? params.rule : zodRule(issue);
  return { path: formatPath(issue.path), rule, message: issue.message };
}

function zodRule(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
    case "invalid_union":
    case "invalid_value":
      return "type";
    case "unrecognized_keys":
      return "keys";
    default:
      return issue.code;
  }
}

/** One line that lists violations, for error messages and logs. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.path || "(message)"}: ${v.message} [${v.rule}]`).join("; ");
}
