/**
 * Translates an RE2 pattern (protovalidate's `string.pattern`) into an equivalent JS
 * RegExp source with the `u` flag, so generated code matches with the platform engine.
 *
 * Differences handled: `.` excludes only `\n` in RE2 (JS also excludes `\r`, U+2028,
 * U+2029) → `[^\n]`; `\s` is ASCII in RE2 → `[\t\n\f\r ]`; `\A`/`\z` → lookarounds;
 * `(?P<name>` → `(?<name>`; `\Q…\E` literals; POSIX classes `[[:alpha:]]`; `\pL` and
 * `\p{Greek}` → `\p{L}`, `\p{Script=Greek}`; escaped punctuation and a literal `{`
 * (allowed in RE2, errors in JS's `u` mode) → `\xNN`; leading `(?i)`, `(?m)`, `(?s)`
 * flags. Anything else that differs (scoped or mid-pattern flags, `(?U)`, `\C`,
 * negated POSIX classes, `\S` inside a class) is reported as untranslatable: the
 * caller then leaves that rule to protovalidate's RE2 engine at run time.
 * Patterns that are not valid RE2 at all (lookaround, backreferences) are rejected.
 */
export type Re2Translation =
  | { ok: true; source: string; flags: string }
  | { ok: false; reason: string };

const POSIX: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};
const CATEGORIES = new Set(
  "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co".split(
    " ",
  ),
);
const LEADING = /^(?:\^|\(\?([imsU]+)\))/;
const JS_SYNTAX = new Set("^$\\.*+?()[]{}|/".split(""));

class Untranslatable extends Error {}
export class InvalidRe2Pattern extends Error {
  override name = "InvalidRe2Pattern";
}

export function translateRe2(pattern: string): Re2Translation {
  try {
    const { source, flags } = translate(pattern);
    new RegExp(source, flags); // must compile
    return { ok: true, source, flags };
  } catch (e) {
    if (e instanceof InvalidRe2Pattern) throw e;
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

function translate(pattern: string): { source: string; flags: string } {
  let i = 0;
  let dotAll = false;
  const flags = new Set(["u"]);
  let out = "";
  // Flag groups before any pattern text (anchors aside) apply to the whole pattern.
  for (let m = LEADING.exec(pattern); m; m = LEADING.exec(pattern.slice(i))) {
    if (m[0] === "^") out += "^";
    for (const f of m[1] ?? "") {
      if (f === "U") throw new Untranslatable("(?U) has no JS equivalent");
      if (f === "s") dotAll = true;
      else flags.add(f);
    }
    i += m[0].length;
  }
  let inClass = false;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const [text, used] = translateEscape(pattern, i, inClass);
      out += text;
      i += used;
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const end = pattern.indexOf(":]", i + 2);
        const name = end > 0 ? pattern.slice(i + 2, end) : "";
        if (name.startsWith("^"))
          throw new Untranslatable("negated POSIX classes are not translated");
        const cls = POSIX[name];
        if (!cls) throw new InvalidRe2Pattern(`invalid character class range: [:${name}:]`);
        out += cls;
        i = end + 2;
        continue;
      }
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      i++;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      i++;
      if (pattern[i] === "^") {
        out += "^";
        i++;
      }
      if (pattern[i] === "]") {
        out += "\\]";
        i++;
      }
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i);
      if (/^\(\?[=!]|^\(\?<[=!]/.test(rest))
        throw new InvalidRe2Pattern("lookaround is not supported by RE2");
      const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length;
        continue;
      }
      if (rest.startsWith("(?:")) {
        out += "(?:";
        i += 3;
        continue;
      }
      throw new Untranslatable("scoped or mid-pattern flags have no JS equivalent");
    }
    if (c === ".") out += dotAll ? "[\\s\\S]" : "[^\\n]";
    else if (c === "{") {
      const rep = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (rep && out !== "") {
        out += rep[0];
        i += rep[0].length;
        continue;
      }
      out += "\\{";
    } else if (c === "}") out += "\\}";
    else out += c;
    i++;
  }
  if (inClass) throw new InvalidRe2Pattern("missing closing ]");
  return { source: out, flags: [...flags].sort().join("") };
}

/** One escape sequence at `i`: its JS text and how many pattern characters it used. */
function translateEscape(p: string, i: number, inClass: boolean): [string, number] {
  const n = p[i + 1];
  if (n === undefined) throw new InvalidRe2Pattern("trailing backslash at end of expression");
  switch (n) {
    case "A":
      if (inClass) throw new InvalidRe2Pattern("invalid escape \\A in a class");
      return ["(?<![\\s\\S])", 2];
    case "z":
      if (inClass) throw new InvalidRe2Pattern("invalid escape \\z in a class");
      return ["(?![\\s\\S])", 2];
    case "s":
      return [inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]", 2];
    case "S":
      if (inClass) throw new Untranslatable("\\S inside a class is not translated");
      return ["[^\\t\\n\\f\\r ]", 2];
    case "C":
      throw new Untranslatable("\\C has no JS equivalent");
    case "Q": {
      const end = p.indexOf("\\E", i + 2);
      const lit = p.slice(i + 2, end < 0 ? undefined : end);
      const text = [...lit]
        .map((ch) => (/[A-Za-z0-9_ ]/.test(ch) || ch.charCodeAt(0) > 0x7f ? ch : hexEscape(ch)))
        .join("");
      return [text, end < 0 ? p.length - i : end + 2 - i];
    }
    case "p":
    case "P": {
      const m = /^\{(\^?)([A-Za-z_]+)\}|^([A-Za-z])/.exec(p.slice(i + 2));
      if (!m) throw new InvalidRe2Pattern("invalid character class range");
      const negate = (m[1] === "^") !== (n === "P");
      const name = m[2] ?? m[3] ?? "";
      const prop = name === "Any" ? "Any" : CATEGORIES.has(name) ? name : `Script=${name}`;
      if (name === "Any") return [negate ? "[^\\s\\S]" : "[\\s\\S]", 2 + m[0].length];
      return [`\\${negate ? "P" : "p"}{${prop}}`, 2 + m[0].length];
    }
    case "x": {
      const braced = /^\{([0-9A-Fa-f]+)\}/.exec(p.slice(i + 2));
      if (braced) return [`\\u{${braced[1]}}`, 2 + braced[0].length];
      return [`\\x${p.slice(i + 2, i + 4)}`, 4];
    }
    default:
      if (/[1-9]/.test(n)) throw new InvalidRe2Pattern("backreferences are not supported by RE2");
      if (n === "0") return ["\\0", 2];
      if (/[dDwWbBfnrtv]/.test(n)) return [`\\${n}`, 2];
      if (/[A-Za-z]/.test(n)) throw new InvalidRe2Pattern(`invalid escape sequence: \\${n}`);
      return [JS_SYNTAX.has(n) || (inClass && n === "-") ? `\\${n}` : hexEscape(n), 2];
  }
}

function hexEscape(ch: string): string {
  const c = ch.codePointAt(0) ?? 0;
  return c <= 0xff ? `\\x${c.toString(16).padStart(2, "0")}` : `\\u{${c.toString(16)}}`;
}
