import { describe, expect, it } from "vitest";
import { Code } from "./code.js";
import { badRequest, errorInfo, retryInfo } from "./error-details.js";
import { decodeStatus, encodeStatus } from "./status-codec.js";

describe("status codec", () => {
  it("round-trips code, message and every modelled detail", () => {
    const status = {
      code: Code.INVALID_ARGUMENT,
      message: "bad order",
      details: [
        badRequest([
          { field: "items[0].quantity", description: "must be > 0", reason: "int32.gt" },
          { field: "customer_id", description: "required" },
        ]),
        errorInfo("OUT_OF_STOCK", "musiccorp.example", { sku: "LP-1", warehouse: "north" }),
        retryInfo(1_250),
      ],
    };
    expect(decodeStatus(encodeStatus(status))).toEqual(status);
  });

  it("keeps details of other types as unknown, with their bytes", () => {
    const unknown = {
      type: "unknown" as const,
      typeUrl: "type.googleapis.com/google.rpc.Help",
      value: new Uint8Array([10, 0]),
    };
    const back = decodeStatus(
      encodeStatus({ code: Code.NOT_FOUND, message: "", details: [unknown] }),
    );
    expect(back.details).toEqual([unknown]);
    expect(back.code).toBe(Code.NOT_FOUND);
  });

  it("encodes an OK status with no details as empty bytes (proto3 defaults)", () => {
    expect(encodeStatus({ code: 0, message: "", details: [] })).toHaveLength(0);
  });

  it("throws on bytes that are not a message", () => {
    expect(() => decodeStatus(new Uint8Array([0x1a, 0x05, 0x01]))).toThrow();
  });
});
