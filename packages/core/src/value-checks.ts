import type {
  BytesRuleSpec,
  EnumRuleSpec,
  NumberRuleSpec,
  RuleReport,
  StringRuleSpec,
  ValueRuleSpec,
} from "./field-rules.js";
import { STRING_FORMATS } from "./string-formats.js";

/**
 * The checks of one value (a field, a list item, a map key or value) against the
 * type-specific standard rules, in protovalidate's order and wording.
 */
export type Check = (value: unknown, report: RuleReport, key: PropertyKey | undefined) => void;

export function valueCheck(spec: ValueRuleSpec): Check {
  switch (spec.type) {
    case "string":
      return stringCheck(spec);
    case "bytes":
      return bytesCheck(spec);
    case "bool":
      return (v, report, path) => {
        if (spec.const !== undefined && v !== spec.const)
          report("bool.const", `must equal ${spec.const}`, path);
      };
    case "enum":
      return enumCheck(spec);
    default:
      return numberCheck(spec);
  }
}

function stringCheck(s: StringRuleSpec): Check {
  const re = s.pattern ? new RegExp(s.pattern.source, s.pattern.flags) : undefined;
  const format = s.format ? STRING_FORMATS[s.format] : undefined;
  const needsLen = s.len !== undefined || s.minLen !== undefined || s.maxLen !== undefined;
  const needsBytes =
    s.lenBytes !== undefined || s.minBytes !== undefined || s.maxBytes !== undefined;
  return (value, report, path) => {
    if (typeof value !== "string") return;
    const v = value;
    const r = (rule: string, message: string) => report(`string.${rule}`, message, path);
    // (r is only called on a violation; V8 allocates the closure lazily enough to not matter)
    if (s.const !== undefined && v !== s.const) r("const", `must equal \`${s.const}\``);
    if (needsLen) {
      const n = codePoints(v);
      if (s.len !== undefined && n !== s.len) r("len", `must be ${s.len} characters`);
      if (s.minLen !== undefined && n < s.minLen)
        r("min_len", `must be at least ${s.minLen} characters`);
      if (s.maxLen !== undefined && n > s.maxLen)
        r("max_len", `must be at most ${s.maxLen} characters`);
    }
    if (needsBytes) {
      const n = utf8Length(v);
      if (s.lenBytes !== undefined && n !== s.lenBytes)
        r("len_bytes", `must be ${s.lenBytes} bytes`);
      if (s.minBytes !== undefined && n < s.minBytes)
        r("min_bytes", `must be at least ${s.minBytes} bytes`);
      if (s.maxBytes !== undefined && n > s.maxBytes)
        r("max_bytes", `must be at most ${s.maxBytes} bytes`);
    }
    if (re && s.pattern && !re.test(v))
      r("pattern", `does not match regex pattern \`${s.pattern.text}\``);
    if (s.prefix !== undefined && !v.startsWith(s.prefix))
      r("prefix", `does not have prefix \`${s.prefix}\``);
    if (s.suffix !== undefined && !v.endsWith(s.suffix))
      r("suffix", `does not have suffix \`${s.suffix}\``);
    if (s.contains !== undefined && !v.includes(s.contains))
      r("contains", `does not contain substring \`${s.contains}\``);
    if (s.notContains !== undefined && v.includes(s.notContains))
      r("not_contains", `contains substring \`${s.notContains}\``);
    if (s.in && !s.in.includes(v)) r("in", `must be in list [${s.in.join(", ")}]`);
    if (s.notIn?.includes(v)) r("not_in", `must not be in list [${s.notIn.join(", ")}]`);
    if (format && s.format) {
      if (v === "" && format.emptyNoun)
        r(`${s.format}_empty`, `value is empty, which is not a valid ${format.emptyNoun}`);
      else if (!format.test(v)) r(s.format, format.message);
    }
  };
}

function bytesCheck(s: BytesRuleSpec): Check {
  return (value, report, path) => {
    if (!(value instanceof Uint8Array)) return;
    const h = hex(value);
    const r = (rule: string, message: string) => report(`bytes.${rule}`, message, path);
    if (s.const !== undefined && h !== s.const) r("const", `must be ${s.const}`);
    if (s.len !== undefined && value.length !== s.len) r("len", `must be ${s.len} bytes`);
    if (s.minLen !== undefined && value.length < s.minLen)
      r("min_len", `must be at least ${s.minLen} bytes`);
    if (s.maxLen !== undefined && value.length > s.maxLen)
      r("max_len", `must be at most ${s.maxLen} bytes`);
    // Hex strings of whole bytes: prefix/suffix/contains line up on even offsets only.
    if (s.prefix !== undefined && !h.startsWith(s.prefix))
      r("prefix", `does not have prefix ${s.prefix}`);
    if (s.suffix !== undefined && !h.endsWith(s.suffix))
      r("suffix", `does not have suffix ${s.suffix}`);
    if (s.contains !== undefined && !containsBytes(h, s.contains))
      r("contains", `does not contain ${s.contains}`);
    if (s.in && !s.in.includes(h)) r("in", `must be in list [${s.in.map(utf8OfHex).join(", ")}]`);
    if (s.notIn?.includes(h))
      r("not_in", `must not be in list [${s.notIn.map(utf8OfHex).join(", ")}]`);
  };
}

function containsBytes(h: string, sub: string): boolean {
  for (let i = h.indexOf(sub); i >= 0; i = h.indexOf(sub, i + 1)) if (i % 2 === 0) return true;
  return false;
}

function enumCheck(s: EnumRuleSpec): Check {
  const defined = s.definedOnly ? new Set(s.definedOnly) : undefined;
  return (v, report, path) => {
    if (typeof v !== "number") return;
    if (s.const !== undefined && v !== s.const) report("enum.const", `must equal ${s.const}`, path);
    if (defined && !defined.has(v))
      report("enum.defined_only", "value must be one of the defined enum values", path);
    if (s.in && !s.in.includes(v)) report("enum.in", `must be in list [${s.in.join(", ")}]`, path);
    if (s.notIn?.includes(v))
      report("enum.not_in", `must not be in list [${s.notIn.join(", ")}]`, path);
  };
}

interface Bound {
  kind: "gt" | "gte" | "lt" | "lte";
  raw: number | string;
  /** The bound as Number or (64-bit) BigInt. */
  exact: number | bigint;
  /** The same as a Number when that is exact: compared with Numbers without BigInt. */
  num: number | undefined;
}

function numberCheck(s: NumberRuleSpec): Check {
  const big = s.type.endsWith("64") && s.type !== "double";
  const conv = (x: number | string): number | bigint => (big ? BigInt(x) : Number(x));
  const bound = (kind: Bound["kind"], raw: number | string): Bound => {
    const exact = conv(raw);
    const safe = typeof exact === "number" || (exact <= MAX_SAFE && exact >= -MAX_SAFE);
    return { kind, raw, exact, num: safe ? Number(exact) : undefined };
  };
  const lo =
    s.gt !== undefined ? bound("gt", s.gt) : s.gte !== undefined ? bound("gte", s.gte) : undefined;
  const hi =
    s.lt !== undefined ? bound("lt", s.lt) : s.lte !== undefined ? bound("lte", s.lte) : undefined;
  const loMsg =
    lo && (lo.kind === "gt" ? `greater than ${lo.raw}` : `greater than or equal to ${lo.raw}`);
  const hiMsg =
    hi && (hi.kind === "lt" ? `less than ${hi.raw}` : `less than or equal to ${hi.raw}`);
  const normal = lo && hi ? hi.exact >= lo.exact : true;
  const rangeRule = lo && hi ? `${s.type}.${lo.kind}_${hi.kind}${normal ? "" : "_exclusive"}` : "";
  const rangeMsg = lo && hi ? `must be ${loMsg} ${normal ? "and" : "or"} ${hiMsg}` : "";
  const inSet = s.in?.map(conv);
  const notInSet = s.notIn?.map(conv);
  const constV = s.const !== undefined ? conv(s.const) : undefined;
  const nanFails = s.type === "float" || s.type === "double";
  const exactNeeded = inSet !== undefined || notInSet !== undefined || constV !== undefined;
  const pick = (b: Bound, v: number | bigint) =>
    typeof v === "number" && b.num !== undefined ? b.num : b.exact;
  return (value, report, path) => {
    let v: number | bigint;
    if (!big) {
      if (typeof value !== "number") return;
      v = value;
    } else if (typeof value === "string" && value.length > 0 && value.length < 16 && !exactNeeded) {
      // Up to 15 digits a Number is exact, and much cheaper than a BigInt.
      v = Number(value);
      if (Number.isNaN(v)) return;
    } else {
      try {
        v = BigInt(value as string);
      } catch {
        return; // not an integer: the base schema reports it
      }
    }
    if (constV !== undefined && v !== constV)
      report(`${s.type}.const`, `must equal ${s.const}`, path);
    const nan = nanFails && typeof v === "number" && Number.isNaN(v);
    const below =
      lo !== undefined && (nan || (lo.kind === "gt" ? v <= pick(lo, v) : v < pick(lo, v)));
    const above =
      hi !== undefined && (nan || (hi.kind === "lt" ? v >= pick(hi, v) : v > pick(hi, v)));
    if (lo && hi) {
      if (normal ? below || above : nan || (below && above)) report(rangeRule, rangeMsg, path);
    } else if (lo && below) report(`${s.type}.${lo.kind}`, `must be ${loMsg}`, path);
    else if (hi && above) report(`${s.type}.${hi.kind}`, `must be ${hiMsg}`, path);
    if (inSet && !inSet.includes(v))
      report(`${s.type}.in`, `must be in list [${(s.in ?? []).join(", ")}]`, path);
    if (notInSet?.includes(v))
      report(`${s.type}.not_in`, `must not be in list [${(s.notIn ?? []).join(", ")}]`, path);
    if (s.finite && typeof v === "number" && !Number.isFinite(v))
      report(`${s.type}.finite`, "must be finite", path);
  };
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function hex(b: Uint8Array): string {
  let out = "";
  for (const x of b) out += x.toString(16).padStart(2, "0");
  return out;
}

function utf8OfHex(h: string): string {
  const bytes = new Uint8Array(h.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder().decode(bytes);
}

/** Length in code points (what protovalidate's `string.len` counts), without iterating a string iterator. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** UTF-8 length without encoding (an unpaired surrogate counts as U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}
