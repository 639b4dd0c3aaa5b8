import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  fieldRules,
  isIp,
  isUri,
  messageRules,
  type Violation,
  validate,
} from "../../src/index.js";

describe("validate", () => {
  const schema = z
    .object({
      name: z.string().superRefine(fieldRules({ value: { type: "string", minLen: 2 } })),
      qty: z.number(),
    })
    .superRefine(messageRules({}));
  const extra: Violation = { path: "", rule: "order.cel", message: "from CEL" };
  const withCel = { schema, extraRules: () => [extra] };

  it("returns zod's rule violations with protovalidate rule ids", () => {
    expect(validate(schema, { name: "a", qty: 1 })).toEqual([
      { path: "name", rule: "string.min_len", message: "must be at least 2 characters" },
    ]);
  });

  it("runs extraRules when the value parsed or only rules failed, never on a malformed value", () => {
    expect(validate(withCel, { name: "ab", qty: 1 })).toEqual([extra]);
    expect(validate(withCel, { name: "a", qty: 1 }).map((v) => v.rule)).toEqual([
      "string.min_len",
      "order.cel",
    ]);
    expect(validate(withCel, { name: "ab", qty: "x" }).map((v) => v.rule)).toEqual(["type"]);
  });
});

describe("fieldRules on ts-proto map keys", () => {
  it("checks integer and bool keys as numbers and booleans (object keys are strings)", () => {
    const ints = z
      .record(z.string(), z.string())
      .superRefine(fieldRules({ map: { keys: { type: "int32", gt: 0 } } }));
    expect(validate(ints, { 1: "a", "-2": "b" })).toEqual([
      { path: "-2", rule: "int32.gt", message: "must be greater than 0" },
    ]);
    const bools = z
      .record(z.string(), z.string())
      .superRefine(fieldRules({ map: { keys: { type: "bool", const: true } } }));
    expect(validate(bools, { true: "a", false: "b" }).map((v) => v.path)).toEqual(["false"]);
  });

  it("reports required on an empty list or map, and skips zero values with ignoreZero", () => {
    const list = z.array(z.string()).superRefine(fieldRules({ required: true, repeated: {} }));
    expect(validate(list, []).map((v) => v.rule)).toEqual(["required"]);
    expect(validate(list, ["x"])).toEqual([]);
    const optional = z
      .string()
      .superRefine(fieldRules({ ignoreZero: true, value: { type: "string", minLen: 3 } }));
    expect(validate(optional, "")).toEqual([]);
    expect(validate(optional, "ab").map((v) => v.rule)).toEqual(["string.min_len"]);
  });
});

describe("string formats", () => {
  it("parses URIs per RFC 3986", () => {
    expect(isUri("https://user@example.com:8080/a/b?c=d#e", false)).toBe(true);
    expect(isUri("http://[2001:db8::1]/", false)).toBe(true);
    expect(isUri("/just/a/path", false)).toBe(false);
    expect(isUri("/just/a/path", true)).toBe(true);
    expect(isUri("http://a b/", false)).toBe(false);
    expect(isUri("http://example.com/%zz", false)).toBe(false);
  });

  it("parses IPv4 and IPv6", () => {
    expect(isIp("192.168.0.1", 4)).toBe(true);
    expect(isIp("192.168.0.01", 4)).toBe(false);
    expect(isIp("::ffff:10.0.0.1", 6)).toBe(true);
    expect(isIp("1::2::3")).toBe(false);
    expect(isIp("1:2:3:4:5:6:7:8")).toBe(true);
    expect(isIp("1:2:3:4:5:6:7:8:9")).toBe(false);
  });
});
