import { describe, expect, it } from "vitest";
import {
  invalidConcreteSubject,
  parseSubjectTemplate,
  subjectsOverlap,
  wildcardSubject,
} from "./subject-template.js";

describe("parseSubjectTemplate", () => {
  it("splits literals and whole-part tokens", () => {
    const t = parseSubjectTemplate("acme.{region}.orders.{id}");
    expect(t.problems).toEqual([]);
    expect(t.parts).toEqual([
      { literal: "acme" },
      { token: "region" },
      { literal: "orders" },
      { token: "id" },
    ]);
    expect(wildcardSubject(t.parts)).toBe("acme.*.orders.*");
  });

  it("reports every problem with its kind", () => {
    expect(parseSubjectTemplate("  ").problems.map((p) => p.kind)).toEqual(["empty"]);
    expect(parseSubjectTemplate("a.x{id}.{b}c").problems.map((p) => p.kind)).toEqual([
      "token_not_whole_part",
      "token_not_whole_part",
    ]);
    expect(parseSubjectTemplate(".a..b.").problems.map((p) => p.kind)).toEqual([
      "invalid",
      "invalid",
      "invalid",
    ]);
    expect(parseSubjectTemplate("a.*.>.b c").problems.map((p) => p.kind)).toEqual([
      "invalid",
      "invalid",
      "invalid",
    ]);
  });
});

describe("subjectsOverlap", () => {
  it("matches part by part, wildcards matching any literal", () => {
    expect(subjectsOverlap("orders.*.placed", "orders.vip.placed")).toBe(true);
    expect(subjectsOverlap("orders.*.placed", "orders.*.shipped")).toBe(false);
    expect(subjectsOverlap("a.*.c", "*.b.*")).toBe(true);
    expect(subjectsOverlap("a.b", "a.b.c")).toBe(false);
    expect(subjectsOverlap("a.b", "a.b")).toBe(true);
  });
});

describe("invalidConcreteSubject", () => {
  it("accepts literal dot-separated subjects only", () => {
    expect(invalidConcreteSubject("acme.rpc.stock")).toBeUndefined();
    expect(invalidConcreteSubject("")).toBe("is empty");
    expect(invalidConcreteSubject("a..b")).toBe("has an empty part");
    expect(invalidConcreteSubject("a.>")).toContain("wildcard");
  });
});
