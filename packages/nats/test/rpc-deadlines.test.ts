import { Code, type ContractError, Header, remainingMs, withContext } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { type NatsConnection, headers as natsHeaders } from "@nats-io/nats-core";
import { ServiceErrorCodeHeader } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createRpc, type NatsRpcTransport, type RpcRegistration } from "../src/index.js";
import {
  createPricingServiceClient,
  createWidgetServiceClient,
  registerPricingService,
  registerWidgetService,
  WidgetRequestType,
} from "./rpc-fixtures.js";
import { eventually, failure, sleep, widget, widgetHandlers } from "./rpc-helpers.js";

/**
 * Time budgets: relative milliseconds in `ck-budget-ms`, turned into a local deadline by
 * each hop. The tolerance allows for a loaded two-core machine; what is checked is that
 * each hop gets what remains, not a fresh time-out.
 */
const TOLERANCE_MS = 400;

let server: NatsServer;
let ncA: NatsConnection;
let ncB: NatsConnection;
let ncClient: NatsConnection;
let rpcA: NatsRpcTransport;
let rpcB: NatsRpcTransport;
let rpcClient: NatsRpcTransport;
const registrations: RpcRegistration[] = [];

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
  ncA = await connect({ servers: server.url, name: "hop-a" });
  ncB = await connect({ servers: server.url, name: "hop-b" });
  ncClient = await connect({ servers: server.url, name: "caller" });
  rpcA = createRpc(ncA, { source: "hop-a" });
  rpcB = createRpc(ncB, { source: "hop-b" });
  rpcClient = createRpc(ncClient, { source: "caller" });
});

afterEach(async () => {
  await Promise.all(registrations.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await Promise.all([ncA, ncB, ncClient].map((nc) => nc?.close()));
  await server?.stop();
});

interface Hop {
  budget: number;
  deadline: number;
  remainingAtCall?: number;
}

describe("NATS RPC time budgets", () => {
  it("propagates the remaining budget across two hops", async () => {
    const seen: { a?: Hop; b?: Hop } = {};
    const pricing = createPricingServiceClient(rpcA);
    registrations.push(
      await registerWidgetService(
        rpcA,
        widgetHandlers({
          createWidget: async (req, ctx) => {
            const hop: Hop = {
              budget: Number(ctx.headers[Header.budgetMs]),
              deadline: ctx.deadline as number,
            };
            seen.a = hop;
            await sleep(250);
            hop.remainingAtCall = remainingMs() ?? Number.NaN;
            // Quote's contract time-out is 10 s: what remains of this call bounds it.
            const quote = await pricing.quote(req);
            return { ...quote, note: `via ${quote.note}` };
          },
        }),
      ),
      await registerPricingService(rpcB, {
        quote: (req, ctx) => {
          seen.b = {
            budget: Number(ctx.headers[Header.budgetMs]),
            deadline: ctx.deadline as number,
          };
          return { id: "q-1", name: req.name, quantity: req.quantity, note: "pricing" };
        },
      }),
    );
    const reply = await createWidgetServiceClient(rpcClient).createWidget(widget(), {
      timeoutMs: 1500,
    });
    expect(reply.note).toBe("via pricing");
    const { a, b } = seen;
    if (!a || !b || a.remainingAtCall === undefined) throw new Error("a hop was not reached");
    // Hop A: the caller's 1500 ms, less the time in transit.
    expect(a.budget).toBeLessThanOrEqual(1500);
    expect(a.budget).toBeGreaterThan(1500 - TOLERANCE_MS);
    // Hop B: what A had left when it called, not Quote's own 10 s.
    expect(b.budget).toBeLessThanOrEqual(a.remainingAtCall);
    expect(b.budget).toBeGreaterThan(a.remainingAtCall - TOLERANCE_MS);
    expect(b.budget).toBeLessThanOrEqual(a.budget - 250 + 5);
    // Same machine, same clock: both hops end at (about) the same instant.
    expect(Math.abs(b.deadline - a.deadline)).toBeLessThan(TOLERANCE_MS);
  });

  it("a nested call cannot outlive its parent: it fails with DEADLINE_EXCEEDED", async () => {
    let nested: ContractError | undefined;
    let innerAborted = false;
    const pricing = createPricingServiceClient(rpcA);
    registrations.push(
      await registerWidgetService(
        rpcA,
        widgetHandlers({
          createWidget: async (req) => {
            try {
              return await pricing.quote(req);
            } catch (e) {
              nested = e as ContractError;
              throw e;
            }
          },
        }),
      ),
      await registerPricingService(rpcB, {
        quote: async (_req, ctx) => {
          await sleep(30_000, ctx.signal).catch((e: unknown) => {
            innerAborted = true;
            throw e;
          });
          return { id: "never", name: "", quantity: 0, note: "" };
        },
      }),
    );
    const err = await failure(
      createWidgetServiceClient(rpcClient).createWidget(widget(), { timeoutMs: 400 }),
    );
    expect(err.code).toBe(Code.DEADLINE_EXCEEDED);
    await eventually(() => nested !== undefined && innerAborted, "the nested call gave up");
    expect(nested?.code).toBe(Code.DEADLINE_EXCEEDED);
  });

  it("refuses a request whose budget is already spent, without calling the handler", async () => {
    let calls = 0;
    registrations.push(
      await registerWidgetService(
        rpcA,
        widgetHandlers({
          createWidget: (req) => {
            calls++;
            return { id: "x", name: req.name, quantity: 0, note: "" };
          },
        }),
      ),
    );
    const h = natsHeaders();
    h.set(Header.budgetMs, "0");
    const reply = await ncClient.request(
      "cktest.rpc.widgets.CreateWidget",
      WidgetRequestType.codec.encode(widget()),
      { timeout: 5000, headers: h },
    );
    expect(reply.headers?.get(Header.statusCode)).toBe(String(Code.DEADLINE_EXCEEDED));
    expect(reply.headers?.get(ServiceErrorCodeHeader)).toBe("504");
    // A caller whose own deadline has passed does not send at all.
    const late = await failure(
      withContext({ deadline: Date.now() - 1 }, () =>
        createWidgetServiceClient(rpcClient).createWidget(widget()),
      ),
    );
    expect(late.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(calls).toBe(0);
    // The same call with time left is served.
    await createWidgetServiceClient(rpcClient).createWidget(widget());
    expect(calls).toBe(1);
  });
});
