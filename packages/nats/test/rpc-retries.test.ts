import { Code, ContractError, retryInfo, withContext } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createRpc,
  createRpcDeduplicator,
  type NatsRpcTransport,
  type RpcDeduplicator,
  type RpcHandlerContext,
  type RpcRegistration,
} from "../src/index.js";
import {
  createWidgetServiceClient,
  registerWidgetService,
  type WidgetRequest,
  type WidgetResponse,
  WidgetServiceNats,
} from "./rpc-fixtures.js";
import { eventually, failure, widget, widgetHandlers } from "./rpc-helpers.js";

let server: NatsServer;
let ncServer: NatsConnection;
let ncServer2: NatsConnection;
let ncClient: NatsConnection;
let serving: NatsRpcTransport;
let client: NatsRpcTransport;
let dedupe: RpcDeduplicator;
let dedupe2: RpcDeduplicator;
const registrations: RpcRegistration[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  ncServer = await connect({ servers: server.url, name: "rpc-server" });
  ncServer2 = await connect({ servers: server.url, name: "rpc-server-2" });
  ncClient = await connect({ servers: server.url, name: "rpc-client" });
  serving = createRpc(ncServer);
  client = createRpc(ncClient, { retry: { initialBackoffMs: 20, maxBackoffMs: 100 } });
  dedupe = await createRpcDeduplicator(ncServer, { claimTimeoutMs: 2000 });
  dedupe2 = await createRpcDeduplicator(ncServer2, { claimTimeoutMs: 2000 });
});

afterEach(async () => {
  await Promise.all(registrations.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await Promise.all([ncServer, ncServer2, ncClient].map((nc) => nc?.close()));
  await server?.stop();
});

const unavailable = () => new ContractError(Code.UNAVAILABLE, "try again");

/** A handler that answers UNAVAILABLE `failures` times, then succeeds; counts attempts. */
function flaky(failures: number) {
  const state = { attempts: 0 };
  const handler = (req: WidgetRequest): WidgetResponse => {
    state.attempts++;
    if (state.attempts <= failures) throw unavailable();
    return { id: `attempt-${state.attempts}`, name: req.name, quantity: req.quantity, note: "" };
  };
  return { state, handler };
}

function ctxWithKey(key: string | undefined): RpcHandlerContext {
  return {
    correlationId: "c",
    signal: new AbortController().signal,
    headers: {},
    subject: "test",
    ...(key === undefined ? {} : { idempotencyKey: key }),
  };
}

describe("NATS RPC retries", () => {
  it("retries an IDEMPOTENT method on UNAVAILABLE until it succeeds", async () => {
    const { state, handler } = flaky(2);
    registrations.push(
      await registerWidgetService(serving, widgetHandlers({ reserveWidget: handler })),
    );
    const reply = await createWidgetServiceClient(client).reserveWidget(widget());
    expect(reply.id).toBe("attempt-3");
    expect(state.attempts).toBe(3);
  });

  it("retries a NO_SIDE_EFFECTS method while nobody serves it yet", async () => {
    let calls = 0;
    const call = createWidgetServiceClient(client).getWidget(widget());
    // The first attempt is already on its way: it finds no responder.
    registrations.push(
      await registerWidgetService(
        serving,
        widgetHandlers({
          getWidget: (req) => {
            calls++;
            return { id: "late-server", name: req.name, quantity: 0, note: "" };
          },
        }),
      ),
    );
    await expect(call).resolves.toMatchObject({ id: "late-server" });
    expect(calls).toBe(1);
  });

  it("never retries a method that is not idempotent when the call has no key", async () => {
    const { state, handler } = flaky(2);
    const keys: Array<string | undefined> = [];
    registrations.push(
      await registerWidgetService(
        serving,
        widgetHandlers({
          createWidget: (req, ctx) => {
            keys.push(ctx.idempotencyKey);
            return handler(req);
          },
        }),
      ),
    );
    const widgets = createWidgetServiceClient(client);
    const err = await failure(widgets.createWidget(widget()));
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(state.attempts).toBe(1);
    // A key inherited from the handler's context is passed on, but is not the caller's
    // own promise that a repeat is safe: still one attempt.
    const inherited = await failure(
      withContext({ idempotencyKey: "parent-key" }, () => widgets.createWidget(widget())),
    );
    expect(inherited.code).toBe(Code.UNAVAILABLE);
    expect(state.attempts).toBe(2);
    expect(keys).toEqual([undefined, "parent-key"]);
  });

  it("does not retry other codes, nor RESOURCE_EXHAUSTED without a RetryInfo", async () => {
    let attempts = 0;
    registrations.push(
      await registerWidgetService(
        serving,
        widgetHandlers({
          reserveWidget: (req) => {
            attempts++;
            if (req.quantity === 1) throw new ContractError(Code.RESOURCE_EXHAUSTED, "busy");
            if (req.quantity === 2 && attempts < 4)
              throw new ContractError(Code.RESOURCE_EXHAUSTED, "busy", {
                details: [retryInfo(10)],
              });
            if (req.quantity === 3) throw new ContractError(Code.INTERNAL, "broken");
            return { id: `after-${attempts}`, name: req.name, quantity: 0, note: "" };
          },
        }),
      ),
    );
    const widgets = createWidgetServiceClient(client);
    expect((await failure(widgets.reserveWidget(widget("w", 1)))).code).toBe(
      Code.RESOURCE_EXHAUSTED,
    );
    expect(attempts).toBe(1);
    // With the server's RetryInfo it is retried, after the delay it asked for.
    await expect(widgets.reserveWidget(widget("w", 2))).resolves.toMatchObject({ id: "after-4" });
    attempts = 0;
    expect((await failure(widgets.reserveWidget(widget("w", 3)))).code).toBe(Code.INTERNAL);
    expect(attempts).toBe(1);
  });

  it("retries a call with an idempotency key, and the handler applies it once", async () => {
    let work = 0;
    let attempts = 0;
    const createOnce = dedupe.wrap(
      WidgetServiceNats.methods.createWidget as NonNullable<
        typeof WidgetServiceNats.methods.createWidget
      >,
      (req: WidgetRequest): WidgetResponse => {
        work++;
        return { id: `widget-${work}`, name: req.name, quantity: req.quantity, note: "created" };
      },
    );
    registrations.push(
      await registerWidgetService(
        serving,
        widgetHandlers({
          createWidget: async (req, ctx) => {
            attempts++;
            const created = await createOnce(req, ctx);
            // The work is done, but the first reply is lost on the way (a proxy fails).
            if (attempts === 1) throw unavailable();
            return created;
          },
        }),
      ),
    );
    const widgets = createWidgetServiceClient(client);
    const reply = await widgets.createWidget(widget("gear", 3), { idempotencyKey: "order-77" });
    expect(reply).toEqual({ id: "widget-1", name: "gear", quantity: 3, note: "created" });
    expect(attempts).toBe(2);
    expect(work).toBe(1);
    // A later call with the same key gets the same answer, still without new work.
    await expect(
      widgets.createWidget(widget("gear", 3), { idempotencyKey: "order-77" }),
    ).resolves.toEqual(reply);
    expect(work).toBe(1);
    // Another key is new work.
    await expect(
      widgets.createWidget(widget("gear", 3), { idempotencyKey: "order-78" }),
    ).resolves.toMatchObject({ id: "widget-2" });
  });

  it("de-duplicates across instances, refuses a reused key, and releases a failed claim", async () => {
    const method = WidgetServiceNats.methods.createWidget as NonNullable<
      typeof WidgetServiceNats.methods.createWidget
    >;
    let work = 0;
    let fail = true;
    let gate: Promise<void> = Promise.resolve();
    let entered = 0;
    const impl = async (req: WidgetRequest): Promise<WidgetResponse> => {
      entered++;
      await gate;
      if (fail) throw unavailable();
      work++;
      return { id: `w-${work}`, name: req.name, quantity: req.quantity, note: "" };
    };
    const onA = dedupe.wrap(method, impl);
    const onB = dedupe2.wrap(method, impl);
    // A failed attempt keeps nothing: the retry runs the work.
    await expect(onA(widget(), ctxWithKey("k-1"))).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
    });
    fail = false;
    await expect(onB(widget(), ctxWithKey("k-1"))).resolves.toMatchObject({ id: "w-1" });
    // The other instance knows it through the KV bucket.
    await expect(onA(widget(), ctxWithKey("k-1"))).resolves.toMatchObject({ id: "w-1" });
    expect(work).toBe(1);
    // The same key for another request is a client bug.
    const reused = await failure(onA(widget("other"), ctxWithKey("k-1")));
    expect(reused.code).toBe(Code.FAILED_PRECONDITION);
    // While one instance runs a key, another is told to come back later.
    let open = () => {};
    gate = new Promise((r) => {
      open = r;
    });
    const before = entered;
    const first = onA(widget(), ctxWithKey("k-2"));
    await eventually(() => entered > before, "the first attempt holds the claim");
    const overlap = await failure(onB(widget(), ctxWithKey("k-2")));
    expect(overlap.code).toBe(Code.UNAVAILABLE);
    expect(overlap.findDetail("google.rpc.RetryInfo")).toBeDefined();
    open();
    await expect(first).resolves.toMatchObject({ id: "w-2" });
    // Calls without a key are not de-duplicated.
    await onA(widget(), ctxWithKey(undefined));
    await onA(widget(), ctxWithKey(undefined));
    expect(work).toBe(4);
  });
});
