import {
  badRequest,
  type CallContext,
  Code,
  ContractError,
  codeName,
  codeToHttpStatus,
  currentContext,
  type ErrorDetail,
  errorInfo,
  Header,
  parseTraceparent,
  retryInfo,
  withContext,
} from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { type NatsConnection, headers as natsHeaders } from "@nats-io/nats-core";
import { ServiceErrorCodeHeader, ServiceErrorHeader } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createRpc,
  type NatsRpcTransport,
  type RpcHandlerContext,
  type RpcRegistration,
} from "../src/index.js";
import {
  createWidgetServiceClient,
  registerWidgetService,
  type WidgetRequest,
  WidgetRequestType,
  WidgetServiceNats,
} from "./rpc-fixtures.js";
import { eventually, failure, sleep, widget, widgetHandlers } from "./rpc-helpers.js";

let server: NatsServer;
let bus: Bus;
let serverNc: NatsConnection;
let client: NatsRpcTransport;
let serving: NatsRpcTransport;
const onError: unknown[] = [];
const registrations: RpcRegistration[] = [];

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
  bus = await connectBus({ servers: server.url, name: "rpc-client" });
  serverNc = await connect({ servers: server.url, name: "rpc-server" });
  client = createRpc(bus, { source: "rpc-test-client" });
  serving = createRpc(serverNc, { onError: (e) => void onError.push(e) });
});

afterEach(async () => {
  await Promise.all(registrations.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await bus?.close();
  await serverNc?.close();
  await server?.stop();
});

async function serve(
  given: Parameters<typeof widgetHandlers>[0],
  transport = serving,
): Promise<RpcRegistration> {
  const reg = await registerWidgetService(transport, widgetHandlers(given));
  registrations.push(reg);
  return reg;
}

function raw(subject: string, data: Uint8Array, hdrs: Record<string, string> = {}) {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(hdrs)) h.set(k, v);
  return bus.connection.request(subject, data, { timeout: 5000, headers: h });
}

describe("NATS RPC calls", () => {
  it("round-trips a typed call with the envelope and the call context", async () => {
    let seen: { ctx: RpcHandlerContext; current: CallContext | undefined } | undefined;
    await serve({
      getWidget: (req, ctx) => {
        seen = { ctx, current: currentContext() };
        return { id: "w-1", name: req.name.toUpperCase(), quantity: req.quantity * 2, note: "ok" };
      },
    });
    const widgets = createWidgetServiceClient(client);
    const parentTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const reply = await withContext(
      { correlationId: "corr-42", traceparent: parentTrace, causationId: "evt-1" },
      () => widgets.getWidget(widget("gear", 21)),
    );
    expect(reply).toEqual({ id: "w-1", name: "GEAR", quantity: 42, note: "ok" });
    if (!seen) throw new Error("handler not called");
    const { ctx, current } = seen;
    expect(ctx.correlationId).toBe("corr-42");
    expect(current?.correlationId).toBe("corr-42");
    expect(ctx.causationId).toBe(ctx.headers[Header.id]);
    expect(parseTraceparent(ctx.traceparent)?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(parseTraceparent(ctx.traceparent)?.spanId).not.toBe("b7ad6b7169203331");
    expect(ctx.headers[Header.type]).toBe("cktest.widgets.v1.WidgetRequest");
    expect(ctx.headers[Header.source]).toBe("rpc-test-client");
    expect(ctx.headers[Header.causationId]).toBe("evt-1");
    expect(ctx.subject).toBe("cktest.rpc.widgets.GetWidget");
    // No contract timeout_ms: the client default (5 s) is the budget.
    const budget = Number(ctx.headers[Header.budgetMs]);
    expect(budget).toBeGreaterThan(3000);
    expect(budget).toBeLessThanOrEqual(5000);
    expect(ctx.deadline).toBe(current?.deadline);
    expect(ctx.signal.aborted).toBe(false);
  });

  it("round-trips every code with its message, details and metadata", async () => {
    const codes = Object.values(Code).filter((c) => c !== Code.OK);
    const unknownDetail: ErrorDetail = {
      type: "unknown",
      typeUrl: "type.googleapis.com/acme.Custom",
      value: new Uint8Array([8, 1]),
    };
    const detailsOf = (code: number): ErrorDetail[] => [
      badRequest([{ field: "name", description: `bad for ${code}`, reason: "string.min_len" }]),
      errorInfo(`REASON_${code}`, "widgets.cktest", { code: String(code) }),
      retryInfo(250),
      unknownDetail,
    ];
    await serve({
      createWidget: (req) => {
        throw new ContractError(req.quantity as Code, `failure ${req.quantity}\nsecond line`, {
          details: detailsOf(req.quantity),
          metadata: { "x-tenant": "t-1" },
        });
      },
    });
    const widgets = createWidgetServiceClient(client);
    for (const code of codes) {
      const err = await failure(widgets.createWidget(widget("w", code)));
      expect(codeName(err.code)).toBe(codeName(code));
      expect(err.rawMessage).toBe(`failure ${code}\nsecond line`);
      expect(err.details).toEqual(detailsOf(code));
      expect(err.metadata).toEqual({ "x-tenant": "t-1" });
      // The NATS micro convention, as other tools see it.
      const reply = await raw(
        WidgetServiceNats.methods.createWidget?.subject as string,
        WidgetRequestType.codec.encode(widget("w", code)),
      );
      expect(reply.headers?.get(ServiceErrorCodeHeader)).toBe(String(codeToHttpStatus(code)));
      expect(reply.headers?.get(ServiceErrorHeader)).toBe(`failure ${code} second line`);
      expect(reply.headers?.get(Header.statusCode)).toBe(String(code));
      expect(reply.headers?.get(Header.statusDetails)).not.toBe("");
    }
  });

  it("turns any other error into INTERNAL without its message or stack", async () => {
    onError.length = 0;
    await serve({
      createWidget: () => {
        throw new Error("db password is hunter2");
      },
    });
    const err = await failure(createWidgetServiceClient(client).createWidget(widget()));
    expect(err.code).toBe(Code.INTERNAL);
    expect(err.rawMessage).toBe("internal error");
    expect(JSON.stringify(err)).not.toContain("hunter2");
    expect(err.message).not.toContain("hunter2");
    expect(onError).toHaveLength(1);
    const reply = await raw(
      "cktest.rpc.widgets.CreateWidget",
      WidgetRequestType.codec.encode(widget()),
    );
    expect(reply.headers?.get(ServiceErrorCodeHeader)).toBe("500");
    expect(reply.headers?.get(ServiceErrorHeader)).toBe("internal error");
    expect(
      Buffer.from(reply.headers?.get(Header.statusDetails) ?? "", "base64").toString(),
    ).not.toContain("hunter2");
  });

  it("refuses an invalid request with BadRequest field violations, without calling the handler", async () => {
    let calls = 0;
    await serve({
      createWidget: (req) => {
        calls++;
        return { id: "x", name: req.name, quantity: 0, note: "" };
      },
    });
    const bad: WidgetRequest = { name: "", quantity: -5 };
    // The server checks, even when the client does not.
    const unchecked = createWidgetServiceClient(createRpc(bus, { validateRequests: false }));
    const server = await failure(unchecked.createWidget(bad));
    expect(server.code).toBe(Code.INVALID_ARGUMENT);
    const fields = server.findDetail("google.rpc.BadRequest")?.fieldViolations.map((v) => v.field);
    expect(fields?.sort()).toEqual(["name", "quantity"]);
    // The client checks before sending.
    const local = await failure(createWidgetServiceClient(client).createWidget(bad));
    expect(local.code).toBe(Code.INVALID_ARGUMENT);
    expect(local.rawMessage).toContain("not sent");
    expect(local.findDetail("google.rpc.BadRequest")?.fieldViolations).toHaveLength(2);
    // Bytes that are not the request message at all.
    const garbage = await raw(
      "cktest.rpc.widgets.CreateWidget",
      new Uint8Array([0xff, 0xff, 0xff]),
    );
    expect(garbage.headers?.get(Header.statusCode)).toBe(String(Code.INVALID_ARGUMENT));
    expect(calls).toBe(0);
  });

  it("gives UNAVAILABLE when nobody serves the method", async () => {
    const err = await failure(createWidgetServiceClient(client).createWidget(widget()));
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.rawMessage).toContain("no responders for cktest.rpc.widgets.CreateWidget");
  });

  it("times out with DEADLINE_EXCEEDED and fires the handler's signal", async () => {
    let reason: unknown;
    await serve({
      slowWidget: async (_req, ctx) => {
        try {
          await sleep(30_000, ctx.signal);
        } catch (e) {
          reason = e;
          throw e;
        }
        return { id: "late", name: "", quantity: 0, note: "" };
      },
    });
    // SlowWidget's contract time-out is 300 ms.
    const err = await failure(createWidgetServiceClient(client).slowWidget(widget()));
    expect(err.code).toBe(Code.DEADLINE_EXCEEDED);
    await eventually(() => reason !== undefined, "the handler's signal fired");
    expect((reason as Error).name).toBe("TimeoutError");
  });

  it("cancels with CANCELLED when the caller's AbortSignal fires", async () => {
    let started = false;
    await serve({
      createWidget: async (_req, ctx) => {
        started = true;
        await sleep(500, ctx.signal);
        return { id: "x", name: "", quantity: 0, note: "" };
      },
    });
    const controller = new AbortController();
    const call = createWidgetServiceClient(client).createWidget(widget(), {
      signal: controller.signal,
    });
    await eventually(() => started, "the handler started");
    controller.abort();
    const err = await failure(call);
    expect(err.code).toBe(Code.CANCELLED);
  });
});
