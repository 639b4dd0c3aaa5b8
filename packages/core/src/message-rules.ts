import type * as z from "zod";
import type { RuleReport } from "./field-rules.js";

/**
 * Message-level standard rules on ts-proto's shapes: `required` on fields with explicit
 * presence (a missing key counts as unset, so this lives on the object, not the
 * property), `(buf.validate.oneof).required`, and `(buf.validate.message).oneof`.
 * Generated schemas carry them as `.superRefine(messageRules({ … }))`.
 */
export interface MessageRuleSpec {
  /** ts-proto keys of explicit-presence fields marked `required` (messages, `optional`). */
  required?: string[];
  /** ts-proto keys of oneofs marked `(buf.validate.oneof).required`. */
  oneofs?: string[];
  /** `(buf.validate.message).oneof` rules: at most one (exactly one if required) of the fields. */
  messageOneofs?: { fields: MessageOneofField[]; required: boolean }[];
}

export interface MessageOneofField {
  /** The proto field name, as protovalidate's message names it. */
  name: string;
  /** ts-proto's property key. */
  key: string;
  /** Explicit presence: set means defined; otherwise set means non-zero. */
  explicit: boolean;
}

export function messageRules(
  spec: MessageRuleSpec,
): (value: unknown, ctx: z.RefinementCtx) => void {
  const check = messageCheck(spec);
  return (value, ctx) =>
    check(value, (rule, message, key) =>
      ctx.addIssue({
        code: "custom",
        message,
        params: { rule },
        path: key === undefined ? [] : [key],
      }),
    );
}

/** The checks of `messageRules` with a plain report callback (shared with the fast path). */
export function messageCheck(spec: MessageRuleSpec): (value: unknown, report: RuleReport) => void {
  const oneofRules = (spec.messageOneofs ?? []).map((rule) => ({
    ...rule,
    names: rule.fields.map((f) => f.name).join(", "),
  }));
  return (value, report) => {
    if (typeof value !== "object" || value === null) return;
    const obj = value as Record<string, unknown>;
    for (const key of spec.required ?? []) {
      if (obj[key] === undefined || obj[key] === null) report("required", "value is required", key);
    }
    for (const key of spec.oneofs ?? []) {
      if (obj[key] === undefined || obj[key] === null) {
        report("required", "exactly one field is required in oneof", key);
      }
    }
    for (const rule of oneofRules) {
      let set = 0;
      for (const f of rule.fields) if (isSet(obj[f.key], f.explicit)) set++;
      if (set > 1) report("message.oneof", `only one of ${rule.names} can be set`);
      else if (set === 0 && rule.required)
        report("message.oneof", `one of ${rule.names} must be set`);
    }
  };
}

function isSet(v: unknown, explicit: boolean): boolean {
  if (v === undefined || v === null) return false;
  if (explicit) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length > 0;
  if (typeof v === "object" && !(v instanceof Date)) return Object.keys(v).length > 0;
  return v !== "" && v !== 0 && v !== false && v !== "0";
}
