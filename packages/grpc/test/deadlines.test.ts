import {
  Code,
  type ContractError,
  currentContext,
  isContractError,
  runWithContext,
} from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ContractClient,
  createChannel,
  createClient,
  type GrpcChannel,
} from "../src/index.js";
import {
  type EchoContract,
  type EchoRequest,
  type EchoServiceDefinition,
  loadEchoContract,
  type RelayServiceDefinition,
} from "./fixtures/echo-contract.js";

// Server B answers Echo; server A's Relay calls B from inside its handler (gRPC → gRPC).
let contract: EchoContract;
let b: GrpcTestServer;
let a: GrpcTestServer;
let toB: GrpcChannel;
let toA: GrpcChannel;
let echo: ContractClient<EchoServiceDefinition>;
let relay: ContractClient<RelayServiceDefinition>;
const seen: Array<{ text: string; deadline: number | undefined; aborted: Promise<unknown> }> = [];
const LONG = 600_000;
const CONTRACT = 20_000;
/** Deadlines are compared with wide margins: the alternatives differ by 10×, so load does not matter. */
const within = (deadline: number | undefined, start: number, ms: number) => {
  expect(deadline).toBeDefined();
  expect((deadline as number) - start).toBeLessThanOrEqual(ms * 1.5);
  expect((deadline as number) - start).toBeGreaterThan(ms * 0.5);
};

const req = (text: string): EchoRequest => ({ text, count: 0, sequence: "0" });
const reply = (text: string) => ({
  text,
  index: 0,
  correlationId: currentContext()?.correlationId ?? "",
});

beforeAll(async () => {
  contract = await loadEchoContract();
  b = await startGrpcTestServer((s) =>
    s.addService(contract.EchoServiceService, contract.echoTable(), {
      async echo(r, ctx) {
        const aborted = new Promise((resolve) =>
          ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason), { once: true }),
        );
        seen.push({ text: r.text, deadline: ctx.deadline, aborted });
        if (r.text === "hang") await aborted;
        if (r.text === "give-up") {
          await aborted;
          // What a library (fetch, a driver) throws when its signal fires.
          throw new DOMException("This operation was aborted", "AbortError");
        }
        return reply(r.text);
      },
      create: async (r) => reply(r.text),
      lookup: async (r) => reply(r.text),
      async *count() {},
      collect: async () => reply(""),
      async *chat() {},
    }),
  );
  // The method Echo has a 20 s contract timeout; the channel default is 600 s.
  toB = createChannel({ address: b.address, defaultTimeoutMs: LONG });
  echo = createClient(contract.EchoServiceService, contract.echoTable({ echo: CONTRACT }), toB);
  a = await startGrpcTestServer((s) =>
    s.addService(contract.RelayServiceService, contract.relayTable, {
      // No deadline passed: it is inherited from the call being handled.
      relay: async (r) => echo.echo(r),
    }),
  );
  toA = createChannel({ address: a.address, defaultTimeoutMs: LONG });
  relay = createClient(contract.RelayServiceService, contract.relayTable, toA);
});

afterAll(async () => {
  toA?.close();
  toB?.close();
  await a?.close();
  await b?.close();
});

async function failure(p: Promise<unknown>): Promise<ContractError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isContractError(e)) throw new Error(`expected a ContractError, got ${String(e)}`);
  return e;
}

function last(text: string) {
  const s = seen.filter((x) => x.text === text).at(-1);
  if (!s) throw new Error(`server never saw ${text}`);
  return s;
}

describe("deadlines", () => {
  it("every call carries a deadline: the method's contract timeout when the caller gives none", async () => {
    const start = Date.now();
    await echo.echo(req("contract-timeout"));
    const { deadline } = last("contract-timeout");
    expect(deadline).toBeDefined();
    within(deadline, start, CONTRACT);
  });

  it("a per-call timeout can shorten the contract's, never extend it", async () => {
    const start = Date.now();
    await echo.echo(req("shorter"), { timeoutMs: 2_000 });
    within(last("shorter").deadline, start, 2_000);
    await echo.echo(req("longer"), { timeoutMs: LONG });
    within(last("longer").deadline, start, CONTRACT);
  });

  it("a call without a contract timeout gets the channel default", async () => {
    const plain = createClient(
      contract.EchoServiceService,
      contract.echoTable(),
      createChannel({ address: b.address }),
    );
    const start = Date.now();
    await plain.echo(req("default-timeout"));
    within(last("default-timeout").deadline, start, 5_000);
  });

  it("a deadline exceeded fails the call with DEADLINE_EXCEEDED and aborts the handler's signal", async () => {
    const e = await failure(echo.echo(req("hang"), { timeoutMs: 150 }));
    expect(e.code).toBe(Code.DEADLINE_EXCEEDED);
    const reason = await last("hang").aborted;
    expect(reason).toBeDefined();
  });

  it("a handler that gives up when its signal fires is not reported as a failure", async () => {
    const before = b.errors.length;
    const e = await failure(echo.echo(req("give-up"), { timeoutMs: 150 }));
    expect(e.code).toBe(Code.DEADLINE_EXCEEDED);
    await last("give-up").aborted;
    // Let the server finish the handler before counting its reports.
    while (b.server.inFlightCount > 0) await new Promise((r) => setTimeout(r, 5));
    expect(b.errors.length).toBe(before);
  });

  it("a call made inside a gRPC handler inherits the handler's deadline (grpc-js parent propagation)", async () => {
    const start = Date.now();
    await relay.relay(req("inherited"), { timeoutMs: 2_000 });
    const deadline = last("inherited").deadline as number;
    within(deadline, start, 2_000);
  });

  it("when the outer deadline passes, the inner call is cancelled too", async () => {
    const e = await failure(relay.relay(req("hang"), { timeoutMs: 150 }));
    expect(e.code).toBe(Code.DEADLINE_EXCEEDED);
    await last("hang").aborted;
  });

  it("a call made in any handler's call context (e.g. a NATS handler) gets at most its remaining time", async () => {
    const start = Date.now();
    await runWithContext({ correlationId: "nats-corr", deadline: start + 2_000 }, () =>
      echo.echo(req("from-context")),
    );
    const deadline = last("from-context").deadline as number;
    within(deadline, start, 2_000);
  });

  it("a context whose deadline has passed fails fast with DEADLINE_EXCEEDED", async () => {
    const e = await failure(
      runWithContext({ correlationId: "late", deadline: Date.now() - 1 }, () =>
        echo.echo(req("late")),
      ),
    );
    expect(e.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(seen.some((s) => s.text === "late")).toBe(false);
  });

  it("cancelling the caller's signal cancels an in-flight call", async () => {
    const ac = new AbortController();
    const long = createClient(
      contract.EchoServiceService,
      contract.echoTable(),
      createChannel({ address: b.address, defaultTimeoutMs: LONG }),
    );
    const p = failure(long.echo(req("hang"), { signal: ac.signal }));
    // Wait until the server is handling it, then cancel.
    while (
      !seen.some(
        (s) => s.text === "hang" && s.deadline !== undefined && s.deadline - Date.now() > 10_000,
      )
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    ac.abort();
    const e = await p;
    expect(e.code).toBe(Code.CANCELLED);
    await last("hang").aborted;
  });
});
