import type { GrpcServiceTable, IdempotencyLevel, MessageType } from "@contractkit/core";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { createServiceConfig } from "./service-config.js";

const msg = {
  typeName: "t.M",
  codec: { encode: () => new Uint8Array(), decode: () => ({}) },
  schema: z.object({}),
  sensitiveFields: [],
} as MessageType<unknown>;
const method = (protoName: string, idempotency: IdempotencyLevel, timeoutMs?: number) => ({
  name: protoName.toLowerCase(),
  protoName,
  kind: "unary" as const,
  input: msg,
  output: msg,
  timeoutMs,
  idempotency,
  longRunning: false,
  path: `/t.S/${protoName}`,
});
const table: GrpcServiceTable = {
  kind: "grpc-service",
  typeName: "t.S",
  methods: {
    get: method("Get", "NO_SIDE_EFFECTS", 250),
    put: method("Put", "IDEMPOTENT"),
    post: method("Post", "IDEMPOTENCY_UNKNOWN", 1500),
  },
  fileDescriptorSet: () => new Uint8Array(),
};

describe("createServiceConfig", () => {
  it("gives every method its timeout and retries only the methods safe to repeat", () => {
    const config = createServiceConfig([table]);
    const [get, put, post] = config.methodConfig;
    expect(get).toMatchObject({
      name: [{ service: "t.S", method: "Get" }],
      timeout: "0.250000000s",
    });
    expect(get?.retryPolicy?.retryableStatusCodes).toEqual(["UNAVAILABLE", "RESOURCE_EXHAUSTED"]);
    expect(put).toMatchObject({
      timeout: "5.000000000s",
      retryPolicy: {
        maxAttempts: 4,
        initialBackoff: "0.1s",
        maxBackoff: "2s",
        backoffMultiplier: 2,
      },
    });
    expect(post).toEqual({ name: [{ service: "t.S", method: "Post" }], timeout: "1.500000000s" });
    expect(config.retryThrottling).toEqual({ maxTokens: 10, tokenRatio: 0.1 });
  });

  it("hedges NO_SIDE_EFFECTS methods when asked, and retries the rest as before", () => {
    const config = createServiceConfig([table], { hedging: { maxAttempts: 3, delayMs: 40 } });
    expect(config.methodConfig[0]).toMatchObject({
      hedgingPolicy: {
        maxAttempts: 3,
        hedgingDelay: "0.04s",
        nonFatalStatusCodes: ["UNAVAILABLE", "RESOURCE_EXHAUSTED"],
      },
    });
    expect(config.methodConfig[0]?.retryPolicy).toBeUndefined();
    expect(config.methodConfig[1]?.retryPolicy).toBeDefined();
  });

  it("retryEveryMethod (keyed calls) retries methods that are not idempotent", () => {
    expect(
      createServiceConfig([table], { retryEveryMethod: true }).methodConfig[2]?.retryPolicy,
    ).toBeDefined();
  });

  it("retry: false has no retry policy and no throttling; round robin is opt-in", () => {
    const config = createServiceConfig([table], { retry: false, loadBalancing: "round_robin" });
    expect(config.methodConfig.every((m) => m.retryPolicy === undefined)).toBe(true);
    expect(config.retryThrottling).toBeUndefined();
    expect(config.loadBalancingConfig).toEqual([{ round_robin: {} }]);
  });

  it("names the bad option", () => {
    expect(() => createServiceConfig([table], { retry: { maxAttempts: 9 } })).toThrow(
      /retry.maxAttempts is 9/,
    );
  });
});
