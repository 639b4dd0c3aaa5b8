import { describe, expect, it } from "vitest";
import * as z from "zod";
import { Code } from "./code.js";
import { isContractError } from "./contract-error.js";
import { defineEvent } from "./event.js";

interface Placed {
  customerId: string;
  region: number;
  shard: number;
}

const Placed = defineEvent<Placed, "customerId" | "region" | "shard">({
  typeName: "test.v1.Placed",
  subjectTemplate: "orders.{customer_id}.{region}.{shard}.placed",
  stream: "ORDERS",
  tokens: [
    { field: "customer_id", key: "customerId", kind: "string" },
    {
      field: "region",
      key: "region",
      kind: "enum",
      enumNames: { 0: "REGION_UNSPECIFIED", 1: "REGION_EU" },
    },
    { field: "shard", key: "shard", kind: "integer" },
  ],
  codec: {
    encode: () => new Uint8Array(),
    decode: () => ({ customerId: "", region: 0, shard: 0 }),
  },
  schema: z.object({
    customerId: z.string(),
    region: z.number(),
    shard: z.number(),
  }) as z.ZodType<Placed>,
  sensitiveFields: [],
});

describe("defineEvent", () => {
  it("renders enums by name, integers in decimal", () => {
    expect(Placed.subject({ customerId: "c-1", region: 1, shard: 42 })).toBe(
      "orders.c-1.REGION_EU.42.placed",
    );
  });

  it("renders an unknown enum number as its number", () => {
    expect(Placed.subject({ customerId: "c-1", region: 7, shard: 0 })).toBe(
      "orders.c-1.7.0.placed",
    );
  });

  it.each(["", "a.b", "a*", ">", "a b", "tab\t"])("rejects token value %j", (bad) => {
    let caught: unknown;
    try {
      Placed.subject({ customerId: bad, region: 1, shard: 1 });
    } catch (e) {
      caught = e;
    }
    expect(isContractError(caught)).toBe(true);
    expect((caught as { code: number }).code).toBe(Code.INVALID_ARGUMENT);
    expect(String(caught)).toContain("{customer_id}");
  });

  it("builds wildcard subscription subjects", () => {
    expect(Placed.subjectFor()).toBe("orders.*.*.*.placed");
    expect(Placed.subjectFor({ customerId: "c-9" })).toBe("orders.c-9.*.*.placed");
    expect(Placed.subjectFor({ region: 1, customerId: "*" })).toBe("orders.*.REGION_EU.*.placed");
  });

  it("parses a concrete subject back into tokens", () => {
    expect(Placed.parseSubject("orders.c-1.REGION_EU.3.placed")).toEqual({
      customerId: "c-1",
      region: "REGION_EU",
      shard: "3",
    });
    expect(Placed.parseSubject("orders.c-1.REGION_EU.3.shipped")).toBeUndefined();
    expect(Placed.parseSubject("orders.c-1.placed")).toBeUndefined();
  });
});
