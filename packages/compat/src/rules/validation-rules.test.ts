import { describe, expect, it } from "vitest";
import { diffRules } from "./validation-rules.js";

describe("validation drift", () => {
  it("classifies narrower bounds and new rules as tightened", () => {
    expect(
      diffRules({ string: { maxLen: "64" } }, { string: { maxLen: "32", minLen: "1" } }),
    ).toEqual([
      { path: "string.maxLen", direction: "tightened", was: '"64"', now: '"32"' },
      { path: "string.minLen", direction: "tightened", was: "(none)", now: '"1"' },
    ]);
    expect(diffRules({ int32: { gt: 0 } }, { int32: { gt: 5 } })[0]?.direction).toBe("tightened");
    expect(diffRules(undefined, { required: true })[0]?.direction).toBe("tightened");
    expect(diffRules({ string: { in: ["a", "b"] } }, { string: { in: ["a"] } })[0]?.direction).toBe(
      "tightened",
    );
    expect(
      diffRules({ string: { notIn: ["a"] } }, { string: { notIn: ["a", "b"] } })[0]?.direction,
    ).toBe("tightened");
  });

  it("classifies wider bounds and removed rules as loosened", () => {
    expect(
      diffRules({ string: { maxLen: "64" } }, { string: { maxLen: "128" } })[0]?.direction,
    ).toBe("loosened");
    expect(diffRules({ required: true }, undefined)[0]?.direction).toBe("loosened");
    expect(diffRules({ int32: { lte: 10 } }, { int32: { lte: 11 } })[0]?.direction).toBe(
      "loosened",
    );
    expect(diffRules({ string: { in: ["a"] } }, { string: { in: ["a", "b"] } })[0]?.direction).toBe(
      "loosened",
    );
  });

  it("treats a changed CEL rule or pattern as tightened and ignores unchanged rules", () => {
    const cel = (expression: string) => ({ cel: [{ id: "x", expression }] });
    expect(diffRules(cel("this > 1"), cel("this > 2"))[0]?.direction).toBe("tightened");
    expect(
      diffRules({ string: { pattern: "^a" } }, { string: { pattern: "^b" } })[0]?.direction,
    ).toBe("tightened");
    expect(diffRules({ string: { minLen: "1" } }, { string: { minLen: "1" } })).toEqual([]);
  });
});
