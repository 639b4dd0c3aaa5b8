import type * as z from "zod";
import { type FieldRuleSpec, fieldCheck, type RuleReport } from "./field-rules.js";
import { type MessageRuleSpec, messageCheck } from "./message-rules.js";

/**
 * A fast accept path for `validate`: one plain function per message that checks ts-proto's
 * shape and the contract's standard rules and answers only "valid". When it says valid,
 * `validate` skips zod; otherwise zod runs and reports the violations. It is exactly as
 * strict as the generated zod schema (never more lenient), so it never hides a
 * violation; what it cannot check (kinds it does not know) makes it answer "not known
 * valid", never "valid". Generated code registers it with `withFastCheck(schema, spec)`.
 */

/** How ts-proto shapes a value (mirrors the generated zod schema). */
export type FastKind =
  | "string"
  | "bool"
  | "float"
  | "int32"
  | "uint32"
  | "int64"
  | "uint64"
  | "bytes"
  | "enum"
  | "date"
  | { readonly msg: () => unknown }
  | { readonly list: FastKind }
  | { readonly map: FastKind; readonly key: "string" | "int" | "bool" };

export interface FastField {
  /** ts-proto's property key. */
  readonly key: string;
  readonly kind: FastKind;
  /** `optional`: the key may be missing or undefined (`?:`); `undefined`: `T | undefined`. */
  readonly presence?: "optional" | "undefined";
  readonly rules?: FieldRuleSpec;
}

export interface FastOneof {
  readonly key: string;
  readonly members: readonly FastField[];
}

export interface FastSpec {
  readonly fields: readonly FastField[];
  readonly oneofs?: readonly FastOneof[];
  readonly message?: MessageRuleSpec;
}

type Predicate = (value: unknown) => boolean;

const specs = new WeakMap<object, FastSpec>();
const built = new WeakMap<object, Predicate>();

/** Registers the fast path of a generated message schema; returns the schema unchanged. */
export function withFastCheck<S extends z.ZodType>(schema: S, spec: FastSpec): S {
  specs.set(schema, spec);
  return schema;
}

/** The fast predicate of a schema, or undefined when it has none. */
export function fastCheckOf(schema: object): Predicate | undefined {
  let p = built.get(schema);
  if (p) return p;
  const spec = specs.get(schema);
  if (!spec) return undefined;
  // Registered before building, so recursive messages resolve to this predicate.
  let inner: Predicate = () => false;
  p = (v) => inner(v);
  built.set(schema, p);
  inner = buildMessage(spec);
  return p;
}

let failed = false;
const flag: RuleReport = () => {
  failed = true;
};

function rulesOk(check: (v: unknown, r: RuleReport) => void, v: unknown): boolean {
  failed = false;
  check(v, flag);
  return !failed;
}

interface CompiledField {
  key: string;
  test: Predicate;
  presence: FastField["presence"];
  rules: ((v: unknown, r: RuleReport) => void) | undefined;
}

function compileField(f: FastField): CompiledField {
  return {
    key: f.key,
    test: kindTest(f.kind),
    presence: f.presence,
    rules: f.rules ? fieldCheck(f.rules) : undefined,
  };
}

function buildMessage(spec: FastSpec): Predicate {
  const fields = spec.fields.map(compileField);
  const oneofs = (spec.oneofs ?? []).map((o) => ({
    key: o.key,
    members: new Map(o.members.map((m) => [m.key, compileField(m)])),
  }));
  const message = spec.message ? messageCheck(spec.message) : undefined;
  const fieldOk = (f: CompiledField, x: unknown): boolean => {
    if (x === undefined) return f.presence !== undefined;
    return f.test(x) && (f.rules === undefined || rulesOk(f.rules, x));
  };
  return (value) => {
    if (!isObject(value)) return false;
    const obj = value as Record<string, unknown>;
    for (const f of fields) if (!fieldOk(f, obj[f.key])) return false;
    for (const o of oneofs) {
      const x = obj[o.key];
      if (x === undefined) continue;
      if (!isObject(x)) return false;
      const c = (x as { $case?: unknown }).$case;
      const member = typeof c === "string" ? o.members.get(c) : undefined;
      if (!member || !fieldOk(member, (x as Record<string, unknown>)[member.key])) return false;
    }
    return message === undefined || rulesOk(message, obj);
  };
}

const INT = /^-?\d+$/;
const UINT = /^\d+$/;

function kindTest(kind: FastKind): Predicate {
  if (typeof kind === "string") return SCALAR_TESTS[kind];
  if ("msg" in kind) {
    let p: Predicate | undefined;
    return (v) => {
      p ??= fastCheckOf(kind.msg() as object) ?? (() => false);
      return p(v);
    };
  }
  if ("list" in kind) {
    const item = kindTest(kind.list);
    return (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) if (!item(v[i])) return false;
      return true;
    };
  }
  const value = kindTest(kind.map);
  if (kind.key === "bool") {
    return (v) => {
      if (!(v instanceof Map)) return false;
      for (const [k, x] of v) if (typeof k !== "boolean" || !value(x)) return false;
      return true;
    };
  }
  const intKeys = kind.key === "int";
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const k in v as object) {
      if (intKeys && !INT.test(k)) return false;
      if (!value((v as Record<string, unknown>)[k])) return false;
    }
    return true;
  };
}

const SCALAR_TESTS: Record<Exclude<FastKind, object>, Predicate> = {
  string: (v) => typeof v === "string",
  bool: (v) => typeof v === "boolean",
  float: (v) => typeof v === "number",
  int32: (v) => typeof v === "number" && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647,
  enum: (v) => typeof v === "number" && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647,
  uint32: (v) => typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 4294967295,
  int64: (v) => typeof v === "string" && INT.test(v),
  uint64: (v) => typeof v === "string" && UINT.test(v),
  bytes: (v) => v instanceof Uint8Array,
  date: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
};

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPlainObject(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
