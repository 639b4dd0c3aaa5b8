import { type DescField, type DescMessage, getOption, isFieldSet } from "@bufbuild/protobuf";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";
import {
  type FieldRules,
  FieldRulesSchema,
  field as fieldExt,
  Ignore,
  message as messageExt,
  oneof as oneofExt,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { tsProtoCamel } from "../ts-proto-names.js";
import { hasPredefined, valueSpec } from "./value-rules.js";

/** A helper the emitted code references; the emitter turns it into an import. */
export interface RuleImport {
  readonly name: string;
  readonly from: string;
}

/**
 * Code to append to a zod schema. `parts` is `suffix` with helper references as
 * RuleImport objects, ready for protoplugin's `f.print(...)` once each is mapped
 * through `f.import(p.name, p.from)`. Empty when there are no rules.
 */
export interface CompiledRules {
  readonly suffix: string;
  readonly parts: ReadonlyArray<string | RuleImport>;
  readonly imports: readonly RuleImport[];
}

export interface RulesContext {
  /** Where the runtime helpers come from (default `@contractkit/core`). */
  readonly corePackage?: string;
}

const EMPTY: CompiledRules = { suffix: "", parts: [], imports: [] };
const WRAPPERS = new Set(
  ["Double", "Float", "Int64", "UInt64", "Int32", "UInt32", "Bool", "String", "Bytes"].map(
    (n) => `google.protobuf.${n}Value`,
  ),
);

/**
 * The rules of one field, to append to the schema of its ts-proto property (after any
 * `.optional()`): `.superRefine(fieldRules({…}))`. Presence (`required` on messages
 * and `optional` fields) is a message rule: see compileMessageRules.
 */
export function compileFieldRules(field: DescField, ctx: RulesContext = {}): CompiledRules {
  const spec = fieldRuleSpec(field);
  return spec ? refine("fieldRules", spec, ctx) : EMPTY;
}

/** The `fieldRules` spec of a field, or undefined when it has no rules zod checks. */
export function fieldRuleSpec(field: DescField): Record<string, unknown> | undefined {
  const rules = getOption(field, fieldExt);
  if (rules.ignore === Ignore.ALWAYS) return undefined;
  const where = `${field.parent.typeName}.${field.name}`;
  const spec: Record<string, unknown> = {};
  const ignoreUnset = !isFieldSet(rules, FieldRulesSchema.field.ignore);
  if (rules.ignore === Ignore.IF_ZERO_VALUE || (field.oneof !== undefined && ignoreUnset))
    spec.ignoreZero = true;
  if (rules.required && !hasExplicitPresence(field)) spec.required = true;
  switch (field.fieldKind) {
    case "scalar":
    case "enum": {
      const v = valueSpec(rules, where, field.enum);
      if (v.spec && Object.keys(v.spec).length > 1) spec.value = v.spec;
      break;
    }
    case "message": {
      if (!WRAPPERS.has(field.message.typeName)) break;
      const v = valueSpec(rules, where);
      if (v.spec && Object.keys(v.spec).length > 1) spec.value = v.spec;
      break;
    }
    case "list": {
      if (rules.type.case !== "repeated") break;
      const r = rules.type.value;
      const rep: Record<string, unknown> = {};
      if (r.minItems !== undefined && isSetNum(r.minItems)) rep.minItems = Number(r.minItems);
      if (r.maxItems !== undefined && r.maxItems > 0n) rep.maxItems = Number(r.maxItems);
      if (r.unique) rep.unique = true;
      const items =
        r.items && r.items.ignore !== Ignore.ALWAYS
          ? valueSpec(r.items, `${where}[]`, field.enum)
          : undefined;
      if (items?.spec && Object.keys(items.spec).length > 1) rep.items = items.spec;
      if (r.items?.ignore === Ignore.IF_ZERO_VALUE) rep.itemsIgnoreZero = true;
      if (Object.keys(rep).length > 0) spec.repeated = rep;
      break;
    }
    case "map": {
      if (rules.type.case !== "map") break;
      const r = rules.type.value;
      const map: Record<string, unknown> = {};
      if (isSetNum(r.minPairs)) map.minPairs = Number(r.minPairs);
      if (r.maxPairs !== undefined && r.maxPairs > 0n) map.maxPairs = Number(r.maxPairs);
      const keys =
        r.keys && r.keys.ignore !== Ignore.ALWAYS ? valueSpec(r.keys, `${where}{key}`) : undefined;
      if (keys?.spec && Object.keys(keys.spec).length > 1) map.keys = keys.spec;
      const values =
        r.values && r.values.ignore !== Ignore.ALWAYS
          ? valueSpec(r.values, `${where}{}`, field.enum)
          : undefined;
      if (values?.spec && Object.keys(values.spec).length > 1) map.values = values.spec;
      if (r.keys?.ignore === Ignore.IF_ZERO_VALUE) map.keysIgnoreZero = true;
      if (r.values?.ignore === Ignore.IF_ZERO_VALUE) map.valuesIgnoreZero = true;
      if (Object.keys(map).length > 0) spec.map = map;
      break;
    }
  }
  if (!spec.value && !spec.repeated && !spec.map && !spec.required) return undefined;
  // The runtime tells a list or map's zero value (empty) by which spec is present.
  if (field.fieldKind === "list") spec.repeated ??= {};
  if (field.fieldKind === "map") spec.map ??= {};
  return spec;
}

/**
 * Message-level rules, to append to the message's `z.object({…})`: `required` on
 * fields with explicit presence (a missing key counts as unset), `(buf.validate.oneof)
 * .required` on ts-proto's oneof property, and `(buf.validate.message).oneof`.
 */
export function compileMessageRules(message: DescMessage, ctx: RulesContext = {}): CompiledRules {
  const spec = messageRuleSpec(message);
  return spec ? refine("messageRules", spec, ctx) : EMPTY;
}

/** The `messageRules` spec of a message, or undefined when it has none. */
export function messageRuleSpec(message: DescMessage): Record<string, unknown> | undefined {
  const spec: Record<string, unknown> = {};
  const required = message.fields
    .filter((f) => f.oneof === undefined && hasExplicitPresence(f))
    .filter((f) => {
      const r = getOption(f, fieldExt);
      return r.required && r.ignore !== Ignore.ALWAYS;
    })
    .map((f) => tsProtoKey(f.name));
  if (required.length) spec.required = required;
  const oneofs = message.oneofs
    .filter((o) => getOption(o, oneofExt).required)
    .map((o) => tsProtoKey(o.name));
  if (oneofs.length) spec.oneofs = oneofs;
  const messageOneofs = getOption(message, messageExt).oneof.map((rule) => ({
    fields: rule.fields.map((name) => {
      const f = message.fields.find((x) => x.name === name);
      if (!f)
        throw new Error(
          `${message.typeName}: (buf.validate.message).oneof names unknown field "${name}"`,
        );
      return { name, key: tsProtoKey(name), explicit: hasExplicitPresence(f) };
    }),
    required: rule.required,
  }));
  if (messageOneofs.length) spec.messageOneofs = messageOneofs;
  return Object.keys(spec).length === 0 ? undefined : spec;
}

/**
 * What protovalidate must evaluate at run time for this message: CEL rules (field,
 * message, predefined) and the few standard rules the zod spec leaves out, in the
 * message or any message it contains. `delegate` lists those standard rule ids
 * (`string.pattern`) or families (`timestamp.`).
 */
export function runtimeRules(message: DescMessage): { needed: boolean; delegate: string[] } {
  const delegate = new Set<string>();
  let cel = false;
  const seen = new Set<string>();
  const visitRules = (r: FieldRules | undefined, where: string) => {
    if (!r || r.ignore === Ignore.ALWAYS) return;
    if (r.cel.length > 0 || r.celExpression.length > 0 || hasPredefined(r.type.value)) cel = true;
    for (const d of valueSpec(r, where).delegated) delegate.add(d);
    if (r.type.case === "repeated") visitRules(r.type.value.items, where);
    if (r.type.case === "map") {
      visitRules(r.type.value.keys, where);
      visitRules(r.type.value.values, where);
    }
  };
  const visit = (m: DescMessage) => {
    if (seen.has(m.typeName)) return;
    seen.add(m.typeName);
    const mr = getOption(m, messageExt);
    if (mr.cel.length > 0 || mr.celExpression.length > 0) cel = true;
    for (const f of m.fields) {
      visitRules(getOption(f, fieldExt), `${m.typeName}.${f.name}`);
      const sub =
        f.fieldKind === "message"
          ? f.message
          : f.fieldKind === "list" || f.fieldKind === "map"
            ? f.message
            : undefined;
      if (sub) visit(sub);
    }
  };
  visit(message);
  return { needed: cel || delegate.size > 0, delegate: [...delegate].sort() };
}

/**
 * The `extraRules` property value of a message type, or no parts when the message (and
 * every message it contains) has no CEL rules: `celRules({ typeName, descriptors,
 * encode })`. `descriptors` and `encode` are code in the generated file (strings, or the
 * plugin's printables): the serialized FileDescriptorSet holding the message (a
 * `Uint8Array`, base64 string, or a function returning one) and ts-proto's encoder,
 * e.g. `(m) => Order.encode(m).finish()`.
 */
export function compileExtraRules<P = string>(
  message: DescMessage,
  code: { descriptors: P; encode: P },
  ctx: RulesContext = {},
): {
  suffix: string;
  parts: ReadonlyArray<string | RuleImport | P>;
  imports: readonly RuleImport[];
} {
  const { needed, delegate } = runtimeRules(message);
  if (!needed) return { suffix: "", parts: [], imports: [] };
  const imp: RuleImport = { name: "celRules", from: ctx.corePackage ?? "@contractkit/core" };
  const parts: Array<string | RuleImport | P> = [
    imp,
    `({ typeName: ${JSON.stringify(message.typeName)}, descriptors: `,
    code.descriptors,
    ", encode: ",
    code.encode,
    `${delegate.length ? `, delegate: ${JSON.stringify(delegate)}` : ""} })`,
  ];
  const suffix = parts
    .map((p) => (typeof p === "string" ? p : p === imp ? imp.name : String(p)))
    .join("");
  return { suffix, parts, imports: [imp] };
}

function refine(helper: string, spec: Record<string, unknown>, ctx: RulesContext): CompiledRules {
  const imp: RuleImport = { name: helper, from: ctx.corePackage ?? "@contractkit/core" };
  const json = JSON.stringify(spec);
  return {
    suffix: `.superRefine(${helper}(${json}))`,
    parts: [".superRefine(", imp, `(${json}))`],
    imports: [imp],
  };
}

/** Message fields, proto3 `optional` and proto2 `optional` track presence: ts-proto makes them `T | undefined`. */
function hasExplicitPresence(f: DescField): boolean {
  if (f.fieldKind === "message") return true;
  if (f.fieldKind === "list" || f.fieldKind === "map") return false;
  return (
    f.presence === FeatureSet_FieldPresence.EXPLICIT ||
    f.presence === FeatureSet_FieldPresence.LEGACY_REQUIRED
  );
}

function isSetNum(v: bigint | undefined): boolean {
  return v !== undefined && v > 0n;
}

/** ts-proto's property name for a field or oneof (its default `snakeToCamel=keys`). */
export const tsProtoKey = tsProtoCamel;
