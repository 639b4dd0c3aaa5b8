import { describe, expect, it } from "vitest";
import { Code, codeToHttpStatus, isRetryableCode, parseCode } from "./code.js";
import { ContractError, isContractError } from "./contract-error.js";

describe("ContractError", () => {
  it("keeps code, details and cause", () => {
    const cause = new Error("db down");
    const e = new ContractError(Code.UNAVAILABLE, "try later", {
      cause,
      details: [{ type: "google.rpc.RetryInfo", retryDelayMs: 100 }],
    });
    expect(e.message).toBe("[UNAVAILABLE] try later");
    expect(e.rawMessage).toBe("try later");
    expect(e.cause).toBe(cause);
    expect(e.retryable).toBe(true);
    expect(e.findDetail("google.rpc.RetryInfo")?.retryDelayMs).toBe(100);
  });

  it("is recognised across package copies by brand, not instanceof", () => {
    const e = new ContractError(Code.NOT_FOUND, "x");
    const copy = Object.assign(Object.create(Object.getPrototypeOf(e)), e);
    expect(isContractError(e)).toBe(true);
    expect(isContractError(new Error("plain"))).toBe(false);
    expect(isContractError(copy)).toBe(false);
  });

  it("from() maps plain errors to UNKNOWN and keeps gRPC-like codes", () => {
    expect(ContractError.from(new Error("boom")).code).toBe(Code.UNKNOWN);
    const grpcLike = Object.assign(new Error("x"), { code: 5, details: "no such order" });
    const c = ContractError.from(grpcLike);
    expect(c.code).toBe(Code.NOT_FOUND);
    expect(c.rawMessage).toBe("no such order");
    expect(ContractError.from(new DOMException("t", "TimeoutError")).code).toBe(
      Code.DEADLINE_EXCEEDED,
    );
  });

  it("classifies codes like HTTP 4xx vs 5xx", () => {
    expect(isRetryableCode(Code.INVALID_ARGUMENT)).toBe(false);
    expect(isRetryableCode(Code.UNAVAILABLE)).toBe(true);
    expect(codeToHttpStatus(Code.NOT_FOUND)).toBe(404);
    expect(parseCode("unavailable")).toBe(Code.UNAVAILABLE);
    expect(parseCode("nope")).toBeUndefined();
  });
});
