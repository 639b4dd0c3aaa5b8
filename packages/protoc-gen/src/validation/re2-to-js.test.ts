import { describe, expect, it } from "vitest";
import { translateRe2 } from "./re2-to-js.js";

function re(pattern: string): RegExp {
  const t = translateRe2(pattern);
  if (!t.ok) throw new Error(t.reason);
  return new RegExp(t.source, t.flags);
}

describe("translateRe2", () => {
  it("keeps RE2 semantics where JS differs", () => {
    expect(re("^a.b$").test("a\rb")).toBe(true); // RE2 `.` matches \r; JS `.` does not
    expect(re("^a.b$").test("a\nb")).toBe(false);
    expect(re("(?s)^a.b$").test("a\nb")).toBe(true);
    expect(re("^\\s$").test("\u00a0")).toBe(false); // RE2 \s is ASCII only
    expect(re("^\\s$").test("\t")).toBe(true);
    expect(re("\\Aab\\z").test("ab")).toBe(true);
    expect(re("\\Aab\\z").test("ab\n")).toBe(false);
    expect(re("^(?P<y>\\d{4})$").exec("2024")?.groups?.y).toBe("2024");
    expect(re("^[[:alpha:]]+$").test("abC")).toBe(true);
    expect(re("^[[:digit:]]+$").test("abC")).toBe(false);
    expect(re("^\\pL+$").test("ÄÖ")).toBe(true);
    expect(re("^\\p{Greek}+$").test("αβ")).toBe(true);
    expect(re("^\\Qa.b\\E$").test("a.b")).toBe(true);
    expect(re("^\\Qa.b\\E$").test("axb")).toBe(false);
    expect(re("^a\\-b{$").test("a-b{")).toBe(true); // escaped punctuation and a literal {
    expect(re("(?i)^abc$").test("ABC")).toBe(true);
    expect(re("^(?i)abc$").test("ABC")).toBe(true);
    expect(re("^😀{2}$").test("😀😀")).toBe(true); // code points, like RE2 on UTF-8
  });

  it("leaves constructs without a JS equivalent to RE2 at run time", () => {
    expect(translateRe2("a(?i:b)").ok).toBe(false);
    expect(translateRe2("(?U)a+").ok).toBe(false);
    expect(translateRe2("[[:^alpha:]]").ok).toBe(false);
  });

  it("rejects patterns that are not RE2", () => {
    expect(() => translateRe2("a(?=b)")).toThrow(/lookaround/);
    expect(() => translateRe2("(a)\\1")).toThrow(/backreferences/);
  });
});
