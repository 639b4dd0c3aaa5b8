import { Code } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import type { NatsConnection } from "@nats-io/nats-core";
import { Svcm } from "@nats-io/services";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createRpc,
  type NatsRpcTransport,
  type RpcRegistration,
} from "../src/index.js";
import {
  createWidgetServiceClient,
  registerWidgetService,
  type WidgetRequest,
  WidgetRequestType,
  WidgetResponseType,
} from "./rpc-fixtures.js";
import { eventually, failure, sleep, widget, widgetHandlers } from "./rpc-helpers.js";

/** The service side: micro discovery, queue groups, draining. */
let server: NatsServer;
let bus: Bus;
let serverNc: NatsConnection;
let client: NatsRpcTransport;
let serving: NatsRpcTransport;
const registrations: RpcRegistration[] = [];

beforeAll(async () => {
  server = await startNatsServer({ jetstream: false });
  bus = await connectBus({ servers: server.url, name: "rpc-client" });
  serverNc = await connect({ servers: server.url, name: "rpc-server" });
  client = createRpc(bus);
  serving = createRpc(serverNc);
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

describe("NATS RPC services", () => {
  it("lists the contract's names in $SRV.INFO", async () => {
    await serve({});
    const infos = [];
    for await (const info of await new Svcm(bus.connection)
      .client()
      .info("cktest_widgets_v1_WidgetService")) {
      infos.push(info);
    }
    expect(infos).toHaveLength(1);
    const info = infos[0];
    expect(info?.metadata).toMatchObject({
      "contractkit.service": "cktest.widgets.v1.WidgetService",
      "contractkit.subject_prefix": "cktest.rpc.widgets",
      "contractkit.queue_group": "cktest.widgets.v1.WidgetService",
    });
    const reserve = info?.endpoints.find((e) => e.name === "ReserveWidget");
    expect(reserve).toMatchObject({
      subject: "cktest.rpc.widgets.ReserveWidget",
      queue_group: "cktest.widgets.v1.WidgetService",
      metadata: {
        "contractkit.service": "cktest.widgets.v1.WidgetService",
        "contractkit.method": "cktest.widgets.v1.WidgetService.ReserveWidget",
        "contractkit.input_type": WidgetRequestType.typeName,
        "contractkit.output_type": WidgetResponseType.typeName,
        "contractkit.idempotency": "IDEMPOTENT",
        "contractkit.timeout_ms": "1000",
        "contractkit.long_running": "false",
      },
    });
    expect(info?.endpoints.map((e) => e.name).sort()).toEqual([
      "CreateWidget",
      "GetWidget",
      "ReserveWidget",
      "SlowWidget",
    ]);
  });

  it("shares the requests of a queue group between two servers", async () => {
    const other = await connect({ servers: server.url, name: "rpc-server-2" });
    try {
      const served = { a: 0, b: 0 };
      const handler = (who: "a" | "b") => (req: WidgetRequest) => {
        served[who]++;
        return { id: who, name: req.name, quantity: req.quantity, note: "" };
      };
      await serve({ getWidget: handler("a") });
      await serve({ getWidget: handler("b") }, createRpc(other));
      const widgets = createWidgetServiceClient(client);
      const replies = await Promise.all(
        Array.from({ length: 60 }, (_, i) => widgets.getWidget(widget("w", i))),
      );
      expect(replies.map((r) => r.quantity)).toEqual(Array.from({ length: 60 }, (_, i) => i));
      // Each request is answered once, by one member of the group; both take a share.
      expect(served.a + served.b).toBe(60);
      expect(served.a).toBeGreaterThan(0);
      expect(served.b).toBeGreaterThan(0);
    } finally {
      await Promise.all(registrations.splice(0).map((r) => r.stop()));
      await other.close();
    }
  });

  it("stop() drains: a running call is answered, later calls find no responder", async () => {
    let started = false;
    const reg = await serve({
      createWidget: async (req) => {
        started = true;
        await sleep(300);
        return { id: "drained", name: req.name, quantity: 1, note: "" };
      },
    });
    const widgets = createWidgetServiceClient(client);
    const running = widgets.createWidget(widget());
    await eventually(() => started, "the handler started");
    await reg.stop();
    await expect(running).resolves.toMatchObject({ id: "drained" });
    const after = await failure(widgets.createWidget(widget()));
    expect(after.code).toBe(Code.UNAVAILABLE);
  });
});
