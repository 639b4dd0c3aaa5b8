import { createServer as createNetServer } from "node:net";
import { Code, ContractError, currentContext, isContractError, retryInfo } from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
import { connectivityState } from "@grpc/grpc-js";
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
} from "./fixtures/echo-contract.js";

// The handler fails the first `count` attempts of each request text with the code in the
// text ("UNAVAILABLE:k1"), then succeeds; `attempts` counts what reached the server.
let contract: EchoContract;
let srv: GrpcTestServer;
let channel: GrpcChannel;
let client: ContractClient<EchoServiceDefinition>;
const attempts = new Map<string, number>();
const keys = new Map<string, string | undefined>();

function flaky(r: EchoRequest) {
  const n = (attempts.get(r.text) ?? 0) + 1;
  attempts.set(r.text, n);
  keys.set(r.text, currentContext()?.idempotencyKey);
  const [code = "", tag = ""] = r.text.split(":");
  if (n <= r.count) {
    if (code === "PUSHBACK")
      throw new ContractError(Code.RESOURCE_EXHAUSTED, "slow down", { details: [retryInfo(10)] });
    throw new ContractError(Code[code as keyof typeof Code], `attempt ${n} fails`);
  }
  return { text: tag, index: n, correlationId: "" };
}

// Throttling is generous here (it is per target); it has its own test below.
const retry = {
  initialBackoffMs: 20,
  maxBackoffMs: 50,
  maxAttempts: 4,
  throttling: { maxTokens: 1000, tokenRatio: 1 },
};

beforeAll(async () => {
  contract = await loadEchoContract();
  srv = await startGrpcTestServer((s) =>
    s.addService(contract.EchoServiceService, contract.echoTable(), {
      echo: async (r) => flaky(r),
      create: async (r) => flaky(r),
      lookup: async (r) => flaky(r),
      async *count() {},
      collect: async () => ({ text: "", index: 0, correlationId: "" }),
      async *chat() {},
    }),
  );
  channel = createChannel({ address: srv.address, retry });
  client = createClient(contract.EchoServiceService, contract.echoTable(), channel);
});

afterAll(async () => {
  channel?.close();
  await srv?.close();
});

const req = (text: string, failures: number): EchoRequest => ({
  text,
  count: failures,
  sequence: "0",
});

async function failure(p: Promise<unknown>): Promise<ContractError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isContractError(e)) throw new Error(`expected a ContractError, got ${String(e)}`);
  return e;
}

describe("retries (grpc-js retry policy from the contract)", () => {
  it("UNAVAILABLE is retried for an IDEMPOTENT method until it succeeds", async () => {
    const res = await client.echo(req("UNAVAILABLE:idem", 2));
    expect(res.index).toBe(3);
    expect(attempts.get("UNAVAILABLE:idem")).toBe(3);
  });

  it("UNAVAILABLE is retried for a NO_SIDE_EFFECTS method", async () => {
    await client.lookup(req("UNAVAILABLE:read", 1));
    expect(attempts.get("UNAVAILABLE:read")).toBe(2);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const e = await failure(client.echo(req("UNAVAILABLE:always", 99)));
    expect(e.code).toBe(Code.UNAVAILABLE);
    expect(attempts.get("UNAVAILABLE:always")).toBe(4);
  });

  it("a method that is not idempotent is NOT retried without an idempotency key", async () => {
    const e = await failure(client.create(req("UNAVAILABLE:create", 2)));
    expect(e.code).toBe(Code.UNAVAILABLE);
    expect(attempts.get("UNAVAILABLE:create")).toBe(1);
  });

  it("a method that is not idempotent IS retried when the call carries an idempotency key", async () => {
    const res = await client.create(req("UNAVAILABLE:keyed", 2), { idempotencyKey: "order-42" });
    expect(res.index).toBe(3);
    expect(attempts.get("UNAVAILABLE:keyed")).toBe(3);
    expect(keys.get("UNAVAILABLE:keyed")).toBe("order-42");
  });

  it("INVALID_ARGUMENT is never retried, even for an idempotent method", async () => {
    const e = await failure(client.echo(req("INVALID_ARGUMENT:bad", 2)));
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(attempts.get("INVALID_ARGUMENT:bad")).toBe(1);
  });

  it("INTERNAL and DEADLINE_EXCEEDED are never retried", async () => {
    await failure(client.echo(req("INTERNAL:x", 2)));
    await failure(client.echo(req("DEADLINE_EXCEEDED:x", 2)));
    expect(attempts.get("INTERNAL:x")).toBe(1);
    expect(attempts.get("DEADLINE_EXCEEDED:x")).toBe(1);
  });

  it("RESOURCE_EXHAUSTED is retried only with a server push-back (RetryInfo)", async () => {
    const e = await failure(client.echo(req("RESOURCE_EXHAUSTED:plain", 1)));
    expect(e.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(attempts.get("RESOURCE_EXHAUSTED:plain")).toBe(1);
    const res = await client.echo(req("PUSHBACK:ok", 1));
    expect(res.text).toBe("ok");
    expect(attempts.get("PUSHBACK:ok")).toBe(2);
  });

  it("retry: false turns automatic retries off", async () => {
    const noRetry = createChannel({ address: srv.address, retry: false });
    const c = createClient(contract.EchoServiceService, contract.echoTable(), noRetry);
    await failure(c.echo(req("UNAVAILABLE:off", 1)));
    noRetry.close();
    expect(attempts.get("UNAVAILABLE:off")).toBe(1);
  });
});

describe("retry throttling", () => {
  it("stops retrying a target once most calls fail", async () => {
    // Same server, another target name, so another throttler: 2 tokens, retries stop at 1.
    const throttled = createChannel({
      address: `ipv4:${srv.address}`,
      retry: { ...retry, throttling: { maxTokens: 2, tokenRatio: 0.1 } },
    });
    const c = createClient(contract.EchoServiceService, contract.echoTable(), throttled);
    await failure(c.echo(req("UNAVAILABLE:throttled", 99)));
    throttled.close();
    expect(attempts.get("UNAVAILABLE:throttled")).toBe(1);
  });
});

describe("hedging (optional, NO_SIDE_EFFECTS only)", () => {
  it("a slow first attempt is overtaken by a hedged one", async () => {
    let n = 0;
    const slow = await startGrpcTestServer((s) =>
      s.addService(contract.EchoServiceService, contract.echoTable(), {
        echo: async (r) => ({ text: r.text, index: 0, correlationId: "" }),
        create: async (r) => ({ text: r.text, index: 0, correlationId: "" }),
        async lookup(r, ctx) {
          n++;
          const mine = n;
          // The first attempt never answers on its own; it ends when it is cancelled.
          if (mine === 1)
            await new Promise((resolve) =>
              ctx.signal.addEventListener("abort", resolve, { once: true }),
            );
          return { text: r.text, index: mine, correlationId: "" };
        },
        async *count() {},
        collect: async () => ({ text: "", index: 0, correlationId: "" }),
        async *chat() {},
      }),
    );
    const hedged = createChannel({
      address: slow.address,
      hedging: { maxAttempts: 3, delayMs: 50 },
    });
    const c = createClient(contract.EchoServiceService, contract.echoTable(), hedged);
    const res = await c.lookup(req("hedge", 0), { timeoutMs: 10_000 });
    expect(res.index).toBeGreaterThan(1);
    hedged.close();
    await slow.close();
  });
});

describe("a server that is down", () => {
  it("an idempotent call is retried and succeeds once the server comes up", async () => {
    const port = await freePort();
    let seen = 0;
    const down = createChannel({
      address: `127.0.0.1:${port}`,
      retry: { initialBackoffMs: 500, maxBackoffMs: 2_000, maxAttempts: 5 },
      defaultTimeoutMs: 30_000,
      grpcOptions: { "grpc.initial_reconnect_backoff_ms": 10, "grpc.max_reconnect_backoff_ms": 50 },
    });
    const c = createClient(contract.EchoServiceService, contract.echoTable(), down);
    const call = c.echo(req("back-up", 0));
    // The first attempt fails: nothing listens yet (the channel reports TRANSIENT_FAILURE).
    await waitForState(down, connectivityState.TRANSIENT_FAILURE);
    const up = await startGrpcTestServer(
      (s) =>
        s.addService(contract.EchoServiceService, contract.echoTable(), {
          echo: async (r) => {
            seen++;
            return { text: r.text, index: 0, correlationId: "" };
          },
          create: async (r) => ({ text: r.text, index: 0, correlationId: "" }),
          lookup: async (r) => ({ text: r.text, index: 0, correlationId: "" }),
          async *count() {},
          collect: async () => ({ text: "", index: 0, correlationId: "" }),
          async *chat() {},
        }),
      { port },
    );
    const res = await call;
    expect(res.text).toBe("back-up");
    expect(seen).toBe(1);
    down.close();
    await up.close();
  });

  it("a call to a non-idempotent method fails with UNAVAILABLE instead of waiting", async () => {
    const port = await freePort();
    const down = createChannel({ address: `127.0.0.1:${port}`, defaultTimeoutMs: 30_000 });
    const c = createClient(contract.EchoServiceService, contract.echoTable(), down);
    const e = await failure(c.create(req("nobody", 0)));
    expect(e.code).toBe(Code.UNAVAILABLE);
    down.close();
  });
});

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

function waitForState(channel: GrpcChannel, wanted: number): Promise<void> {
  const ch = channel.client(false).getChannel();
  return new Promise((resolve, reject) => {
    const check = () => {
      const state = ch.getConnectivityState(true);
      if (state === wanted) return resolve();
      ch.watchConnectivityState(state, Date.now() + 10_000, (err) => (err ? reject(err) : check()));
    };
    check();
  });
}
