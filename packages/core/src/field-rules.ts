import type * as z from "zod";
import type { StringFormat } from "./string-formats.js";
import { type Check, hex, valueCheck } from "./value-checks.js";

/**
 * protovalidate's standard rules, evaluated on ts-proto's TypeScript shapes. The
 * generated zod schemas carry a declarative spec per field
 * (`.superRefine(fieldRules({ … }))`), compiled by protoc-gen-contractkit from the
 * contract's `buf.validate` options. Each violation is a zod issue whose
 * `params.rule` is protovalidate's rule id and whose message is protovalidate's
 * wording; messages name rule constants, never the checked value.
 */

export interface StringRuleSpec {
  type: "string";
  const?: string;
  len?: number;
  minLen?: number;
  maxLen?: number;
  lenBytes?: number;
  minBytes?: number;
  maxBytes?: number;
  /** `source`/`flags`: the RE2 pattern translated to a JS RegExp; `text`: as written. */
  pattern?: { source: string; flags: string; text: string };
  prefix?: string;
  suffix?: string;
  contains?: string;
  notContains?: string;
  in?: string[];
  notIn?: string[];
  format?: StringFormat;
}

/** Bytes constants are hex strings. */
export interface BytesRuleSpec {
  type: "bytes";
  const?: string;
  len?: number;
  minLen?: number;
  maxLen?: number;
  prefix?: string;
  suffix?: string;
  contains?: string;
  in?: string[];
  notIn?: string[];
}

export type NumberType =
  | "int32"
  | "uint32"
  | "sint32"
  | "fixed32"
  | "sfixed32"
  | "float"
  | "double"
  | "int64"
  | "uint64"
  | "sint64"
  | "fixed64"
  | "sfixed64";

/** 64-bit bounds are decimal strings (ts-proto's `forceLong=string`), compared with BigInt. */
export interface NumberRuleSpec {
  type: NumberType;
  const?: number | string;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
  in?: (number | string)[];
  notIn?: (number | string)[];
  finite?: boolean;
}

export interface BoolRuleSpec {
  type: "bool";
  const?: boolean;
}

/** `definedOnly` lists the enum's defined numbers. */
export interface EnumRuleSpec {
  type: "enum";
  const?: number;
  definedOnly?: number[];
  in?: number[];
  notIn?: number[];
}

export type ValueRuleSpec =
  | StringRuleSpec
  | BytesRuleSpec
  | NumberRuleSpec
  | BoolRuleSpec
  | EnumRuleSpec;

/** Rules of one field of a message, as ts-proto shapes it. */
export interface FieldRuleSpec {
  /** An implicit-presence scalar must be non-zero, a list or map non-empty. */
  required?: boolean;
  /** Skip all rules when the value is unset or its zero value (IGNORE_IF_ZERO_VALUE, oneof members). */
  ignoreZero?: boolean;
  value?: ValueRuleSpec;
  repeated?: {
    minItems?: number;
    maxItems?: number;
    unique?: boolean;
    items?: ValueRuleSpec;
    itemsIgnoreZero?: boolean;
  };
  map?: {
    minPairs?: number;
    maxPairs?: number;
    keys?: ValueRuleSpec;
    values?: ValueRuleSpec;
    keysIgnoreZero?: boolean;
    valuesIgnoreZero?: boolean;
  };
}

/** Receives one violation; `key` is the list index or map key within the field, if any. */
export type RuleReport = (rule: string, message: string, key?: PropertyKey) => void;

/** A zod refinement for one field: `.superRefine(fieldRules(spec))`. */
export function fieldRules(spec: FieldRuleSpec): (value: unknown, ctx: z.RefinementCtx) => void {
  const check = fieldCheck(spec);
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

/** The checks of `fieldRules` with a plain report callback (shared with the fast path). */
export function fieldCheck(spec: FieldRuleSpec): (value: unknown, report: RuleReport) => void {
  const single = spec.value ? valueCheck(spec.value) : undefined;
  const list = spec.repeated ? listCheck(spec.repeated) : undefined;
  const map = spec.map ? mapCheck(spec.map) : undefined;
  const kind = spec.map ? "map" : spec.repeated ? "list" : "scalar";
  const check: Check = single ?? list ?? map ?? (() => {});
  const zeroMatters = spec.ignoreZero === true || spec.required === true;
  return (value, report) => {
    if (value === undefined || value === null) return; // unset: presence is the message's rule
    if (zeroMatters && isZero(value, kind)) {
      if (!spec.ignoreZero) report("required", "value is required");
      return;
    }
    check(value, report, undefined);
  };
}

/** protovalidate's "zero value" on ts-proto's shapes (a message is zero only when unset). */
function isZero(v: unknown, kind: "map" | "list" | "scalar" | "message" = "scalar"): boolean {
  if (v === undefined || v === null) return true;
  if (kind === "map") return v instanceof Map ? v.size === 0 : Object.keys(v).length === 0;
  if (kind === "list") return Array.isArray(v) && v.length === 0;
  if (kind === "message") return false;
  if (v instanceof Uint8Array) return v.length === 0;
  return v === "" || v === 0 || v === false || v === "0";
}

function listCheck(r: NonNullable<FieldRuleSpec["repeated"]>): Check {
  const items = r.items ? valueCheck(r.items) : undefined;
  return (value, report) => {
    if (!Array.isArray(value)) return;
    if (r.minItems !== undefined && value.length < r.minItems)
      report("repeated.min_items", `must contain at least ${r.minItems} item(s)`);
    if (r.maxItems !== undefined && value.length > r.maxItems)
      report("repeated.max_items", `must contain no more than ${r.maxItems} item(s)`);
    if (r.unique) {
      const seen = new Set(value.map((v: unknown) => (v instanceof Uint8Array ? hex(v) : v)));
      if (seen.size !== value.length)
        report("repeated.unique", "repeated value must contain unique items");
    }
    if (items) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (!(r.itemsIgnoreZero && isZero(v))) items(v, report, i);
      }
    }
  };
}

function mapCheck(r: NonNullable<FieldRuleSpec["map"]>): Check {
  const keys = r.keys ? valueCheck(r.keys) : undefined;
  const values = r.values ? valueCheck(r.values) : undefined;
  const keyType = r.keys?.type;
  return (value, report) => {
    if (typeof value !== "object" || value === null) return;
    if (!keys && !values && r.minPairs === undefined && r.maxPairs === undefined) return;
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    if (r.minPairs !== undefined && entries.length < r.minPairs)
      report("map.min_pairs", `map must be at least ${r.minPairs} entries`);
    if (r.maxPairs !== undefined && entries.length > r.maxPairs)
      report("map.max_pairs", `map must be at most ${r.maxPairs} entries`);
    for (const [k, v] of entries) {
      // Object keys are strings: 32-bit integer and bool keys are checked as numbers and booleans.
      const key =
        typeof k === "string" && keyType === "bool"
          ? k === "true"
          : typeof k === "string" && keyType !== undefined && /32$/.test(keyType)
            ? Number(k)
            : k;
      if (keys && !(r.keysIgnoreZero && isZero(key))) keys(key, report, k);
      if (values && !(r.valuesIgnoreZero && isZero(v))) values(v, report, k);
    }
  };
}
