import { type DescEnum, isFieldSet, type Message } from "@bufbuild/protobuf";
import {
  type BoolRules,
  BoolRulesSchema,
  type BytesRules,
  BytesRulesSchema,
  type EnumRules,
  EnumRulesSchema,
  type FieldRules,
  file_buf_validate_validate,
  type StringRules,
  StringRulesSchema,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { InvalidRe2Pattern, translateRe2 } from "./re2-to-js.js";

/**
 * Turns the type-specific part of a `FieldRules` (`string`, `int64`, `enum`, …) into
 * the plain spec that `@contractkit/core`'s `fieldRules` evaluates. Rules the spec
 * cannot express are returned in `delegated` (rule ids or families), to be left to
 * protovalidate at run time.
 */
export interface ValueSpecResult {
  spec: Record<string, unknown> | undefined;
  delegated: string[];
}

const NUMERIC = new Set([
  "int32",
  "uint32",
  "sint32",
  "fixed32",
  "sfixed32",
  "float",
  "double",
  "int64",
  "uint64",
  "sint64",
  "fixed64",
  "sfixed64",
]);

/** Thrown for a rule that protovalidate itself would reject (e.g. a pattern that is not RE2). */
export class RuleCompileError extends Error {
  override name = "RuleCompileError";
}

export function valueSpec(rules: FieldRules, where: string, enumDesc?: DescEnum): ValueSpecResult {
  const t = rules.type;
  const delegated: string[] = [];
  if (t.case === undefined) return { spec: undefined, delegated };
  if (t.case === "string") return { spec: stringSpec(t.value, where, delegated), delegated };
  if (t.case === "bytes") return { spec: bytesSpec(t.value, delegated), delegated };
  if (t.case === "bool") return { spec: boolSpec(t.value), delegated };
  if (t.case === "enum") return { spec: enumSpec(t.value, enumDesc), delegated };
  if (NUMERIC.has(t.case))
    return { spec: numberSpec(t.case, t.value as unknown as NumRules), delegated };
  if (t.case === "repeated" || t.case === "map") return { spec: undefined, delegated };
  // duration, timestamp, any, field_mask: evaluated by protovalidate.
  delegated.push(`${t.case}.`);
  return { spec: undefined, delegated };
}

/** Predefined (extension) rules arrive as unknown fields of the rules message. */
export function hasPredefined(rules: Message | undefined): boolean {
  return (rules?.$unknown?.length ?? 0) > 0;
}

function stringSpec(r: StringRules, where: string, delegated: string[]): Record<string, unknown> {
  const F = StringRulesSchema.field;
  const s: Record<string, unknown> = { type: "string" };
  if (isFieldSet(r, F.const)) s.const = r.const;
  if (isFieldSet(r, F.len)) s.len = Number(r.len);
  if (isFieldSet(r, F.minLen)) s.minLen = Number(r.minLen);
  if (isFieldSet(r, F.maxLen)) s.maxLen = Number(r.maxLen);
  if (isFieldSet(r, F.lenBytes)) s.lenBytes = Number(r.lenBytes);
  if (isFieldSet(r, F.minBytes)) s.minBytes = Number(r.minBytes);
  if (isFieldSet(r, F.maxBytes)) s.maxBytes = Number(r.maxBytes);
  if (isFieldSet(r, F.pattern)) {
    let t: ReturnType<typeof translateRe2>;
    try {
      t = translateRe2(r.pattern);
    } catch (e) {
      if (e instanceof InvalidRe2Pattern)
        throw new RuleCompileError(`${where}: string.pattern is not valid RE2: ${e.message}`);
      throw e;
    }
    if (t.ok) s.pattern = { source: t.source, flags: t.flags, text: r.pattern };
    else delegated.push("string.pattern");
  }
  if (isFieldSet(r, F.prefix)) s.prefix = r.prefix;
  if (isFieldSet(r, F.suffix)) s.suffix = r.suffix;
  if (isFieldSet(r, F.contains)) s.contains = r.contains;
  if (isFieldSet(r, F.notContains)) s.notContains = r.notContains;
  if (r.in.length) s.in = r.in;
  if (r.notIn.length) s.notIn = r.notIn;
  const wk = r.wellKnown;
  if (wk.case !== undefined && wk.value !== false) {
    const format = {
      email: "email",
      hostname: "hostname",
      ip: "ip",
      ipv4: "ipv4",
      ipv6: "ipv6",
      uri: "uri",
      uriRef: "uri_ref",
      address: "address",
      uuid: "uuid",
      tuuid: "tuuid",
      ulid: "ulid",
    }[wk.case as string];
    if (format) s.format = format;
    else if (wk.case === "wellKnownRegex") delegated.push("string.well_known_regex.");
    else delegated.push(`string.${snake(wk.case)}`, `string.${snake(wk.case)}_empty`);
  }
  return s;
}

function bytesSpec(r: BytesRules, delegated: string[]): Record<string, unknown> {
  const F = BytesRulesSchema.field;
  const s: Record<string, unknown> = { type: "bytes" };
  if (isFieldSet(r, F.const)) s.const = hex(r.const);
  if (isFieldSet(r, F.len)) s.len = Number(r.len);
  if (isFieldSet(r, F.minLen)) s.minLen = Number(r.minLen);
  if (isFieldSet(r, F.maxLen)) s.maxLen = Number(r.maxLen);
  if (isFieldSet(r, F.prefix)) s.prefix = hex(r.prefix);
  if (isFieldSet(r, F.suffix)) s.suffix = hex(r.suffix);
  if (isFieldSet(r, F.contains)) s.contains = hex(r.contains);
  if (r.in.length) s.in = r.in.map(hex);
  if (r.notIn.length) s.notIn = r.notIn.map(hex);
  if (isFieldSet(r, F.pattern)) delegated.push("bytes.pattern");
  if (r.wellKnown.case !== undefined && r.wellKnown.value) {
    delegated.push(`bytes.${r.wellKnown.case}`, `bytes.${r.wellKnown.case}_empty`);
  }
  return s;
}

function boolSpec(r: BoolRules): Record<string, unknown> {
  return isFieldSet(r, BoolRulesSchema.field.const)
    ? { type: "bool", const: r.const }
    : { type: "bool" };
}

function enumSpec(r: EnumRules, desc: DescEnum | undefined): Record<string, unknown> {
  const F = EnumRulesSchema.field;
  const s: Record<string, unknown> = { type: "enum" };
  if (isFieldSet(r, F.const)) s.const = r.const;
  if (r.definedOnly && desc) s.definedOnly = desc.values.map((v) => v.number);
  if (r.in.length) s.in = r.in;
  if (r.notIn.length) s.notIn = r.notIn;
  return s;
}

interface NumRules extends Message {
  const?: number | bigint;
  lessThan: { case: "lt" | "lte" | undefined; value?: number | bigint };
  greaterThan: { case: "gt" | "gte" | undefined; value?: number | bigint };
  in: (number | bigint)[];
  notIn: (number | bigint)[];
  finite?: boolean;
}

function numberSpec(type: string, r: NumRules): Record<string, unknown> {
  const big = type.endsWith("64") && type !== "double";
  const v = (x: number | bigint) => (big ? String(x) : Number(x));
  const s: Record<string, unknown> = { type };
  const desc = r.$typeName;
  if (r.const !== undefined && isConstSet(r, desc)) s.const = v(r.const);
  if (r.greaterThan.case && r.greaterThan.value !== undefined)
    s[r.greaterThan.case] = v(r.greaterThan.value);
  if (r.lessThan.case && r.lessThan.value !== undefined) s[r.lessThan.case] = v(r.lessThan.value);
  if (r.in.length) s.in = r.in.map(v);
  if (r.notIn.length) s.notIn = r.notIn.map(v);
  if (r.finite) s.finite = true;
  return s;
}

/** Numeric `const` is a proto2 `optional`: presence, not the value, says whether it is set. */
function isConstSet(r: NumRules, typeName: string): boolean {
  const desc = file_buf_validate_validate.messages.find((m) => m.typeName === typeName);
  const field = desc?.field.const;
  return field !== undefined && isFieldSet(r as never, field as never);
}

function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function isNumericCase(c: string | undefined): boolean {
  return c !== undefined && NUMERIC.has(c);
}
