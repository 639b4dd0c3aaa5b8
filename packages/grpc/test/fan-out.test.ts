import { Code, ContractError, currentContext, isContractError } from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ContractClient,
  createChannel,
  createClient,
  fanOut,
  type GrpcChannel,
} from "../src/index.js";
import {
  type EchoContract,
  type EchoServiceDefinition,
  loadEchoContract,
} from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

// "Ask three stockists for a price": three servers, one call each, under one deadline.
let contract: EchoContract;
const servers: GrpcTestServer[] = [];
const channels: GrpcChannel[] = [];
const stockists: Array<ContractClient<EchoServiceDefinition>> = [];
let inFlight = 0;
let maxInFlight = 0;
let allIn: () => void = () => {};
let barrier = new Promise<void>((r) => {
  allIn = r;
});
const deadlines: number[] = [];

beforeAll(async () => {
  contract = await loadEchoContract();
  for (let i = 0; i < 3; i++) {
    const srv = await startGrpcTestServer((s) =>
      s.addService(
        contract.EchoServiceService,
        contract.echoTable(),
        echoImpl({
          async lookup(r, ctx) {
            if (ctx.deadline !== undefined) deadlines.push(ctx.deadline);
            if (r.text === "no-stock")
              throw new ContractError(Code.NOT_FOUND, `stockist ${i} has no ${r.text}`);
            if (r.text === "hang")
              await new Promise((resolve) =>
                ctx.signal.addEventListener("abort", resolve, { once: true }),
              );
            if (r.text === "barrier") {
              // Answers only once every stockist is being asked at the same time: calls made
              // one after another would never get past this and would hit the deadline.
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              if (inFlight === 3) allIn();
              await Promise.race([
                barrier,
                new Promise((resolve) =>
                  ctx.signal.addEventListener("abort", resolve, { once: true }),
                ),
              ]);
              inFlight--;
            }
            return {
              text: `price from ${i}`,
              index: 10 + i,
              correlationId: currentContext()?.correlationId ?? "",
            };
          },
        }),
      ),
    );
    servers.push(srv);
    const ch = createChannel({ address: srv.address, defaultTimeoutMs: 60_000 });
    channels.push(ch);
    stockists.push(createClient(contract.EchoServiceService, contract.echoTable(), ch));
  }
});

afterAll(async () => {
  for (const c of channels) c.close();
  await Promise.all(servers.map((s) => s.close()));
});

const ask = (i: number, text: string) => (signal: AbortSignal) =>
  (stockists[i] as ContractClient<EchoServiceDefinition>).lookup(
    { text, count: 0, sequence: "0" },
    { signal },
  );

describe("fanOut", () => {
  it("runs the calls in parallel: all three are in flight at once", async () => {
    const results = await fanOut([ask(0, "barrier"), ask(1, "barrier"), ask(2, "barrier")], {
      timeoutMs: 10_000,
    });
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    expect(maxInFlight).toBe(3);
    barrier = new Promise<void>((r) => {
      allIn = r;
    });
  });

  it("returns settled results in order: one failure does not lose the other answers", async () => {
    const [a, b, c] = await fanOut([ask(0, "x"), ask(1, "no-stock"), ask(2, "x")], {
      timeoutMs: 10_000,
    });
    expect(a.status === "fulfilled" && a.value.text).toBe("price from 0");
    expect(b.status === "rejected" && isContractError(b.reason) && b.reason.code).toBe(
      Code.NOT_FOUND,
    );
    expect(c.status === "fulfilled" && c.value.index).toBe(12);
  });

  it("a call still running at the shared deadline settles as DEADLINE_EXCEEDED; the others keep their answers", async () => {
    const results = await fanOut([ask(0, "x"), ask(1, "hang"), ask(2, "x")], { timeoutMs: 300 });
    expect(results[0].status).toBe("fulfilled");
    expect(results[2].status).toBe("fulfilled");
    const slow = results[1];
    expect(slow.status === "rejected" && isContractError(slow.reason) && slow.reason.code).toBe(
      Code.DEADLINE_EXCEEDED,
    );
  });

  it("every call carries the shared deadline, not the clients' long default", async () => {
    deadlines.length = 0;
    const start = Date.now();
    await fanOut([ask(0, "x"), ask(1, "x"), ask(2, "x")], { timeoutMs: 5_000 });
    expect(deadlines).toHaveLength(3);
    // 5 s shared deadline, not the clients' 60 s default (margins wide: no timing flakes).
    for (const d of deadlines) expect(d - start).toBeLessThanOrEqual(7_500);
  });

  it("tasks can be any async work, not only gRPC calls", async () => {
    const results = await fanOut([async () => 1, async () => "two"]);
    expect(results).toEqual([
      { status: "fulfilled", value: 1 },
      { status: "fulfilled", value: "two" },
    ]);
  });
});
