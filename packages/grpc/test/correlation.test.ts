import {
  currentContext,
  defineEvent,
  Header,
  parseTraceparent,
  runWithContext,
} from "@contractkit/core";
import { type Bus, connectBus } from "@contractkit/nats";
import {
  type GrpcTestServer,
  type NatsServer,
  startGrpcTestServer,
  startNatsServer,
} from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type ContractClient,
  createChannel,
  createClient,
  type GrpcChannel,
} from "../src/index.js";
import {
  type EchoContract,
  type EchoResponse,
  type EchoServiceDefinition,
  loadEchoContract,
  type RelayServiceDefinition,
} from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

// client ─gRPC─► relay (server A) ─gRPC─► echo (server B) ─NATS publish─► subscriber
let contract: EchoContract;
let nats: NatsServer;
let bus: Bus;
let a: GrpcTestServer;
let b: GrpcTestServer;
let toA: GrpcChannel;
let toB: GrpcChannel;
let relay: ContractClient<RelayServiceDefinition>;
const seenByB: Array<{
  correlationId: string | undefined;
  traceparent: string | undefined;
  causationId: string | undefined;
}> = [];

beforeAll(async () => {
  contract = await loadEchoContract();
  nats = await startNatsServer({ jetstream: false });
  bus = await connectBus({ servers: nats.url, source: "echo-service" });
  const echoed = defineEvent<EchoResponse>({
    typeName: "cktest.echo.v1.EchoResponse",
    codec: {
      encode: () => new Uint8Array(0),
      decode: () => ({ text: "", index: 0, correlationId: "" }),
    },
    schema: z.object({ text: z.string(), index: z.number(), correlationId: z.string() }),
    sensitiveFields: [],
    subjectTemplate: "cktest.echo.echoed",
    tokens: [],
  });
  b = await startGrpcTestServer((s) =>
    s.addService(
      contract.EchoServiceService,
      contract.echoTable(),
      echoImpl({
        async echo(r) {
          const ctx = currentContext();
          seenByB.push({
            correlationId: ctx?.correlationId,
            traceparent: ctx?.traceparent,
            causationId: ctx?.causationId,
          });
          const res = { text: r.text, index: 0, correlationId: ctx?.correlationId ?? "" };
          await bus.publish(echoed, res);
          return res;
        },
      }),
    ),
  );
  toB = createChannel({ address: b.address, source: "relay-service" });
  const echo: ContractClient<EchoServiceDefinition> = createClient(
    contract.EchoServiceService,
    contract.echoTable(),
    toB,
  );
  a = await startGrpcTestServer((s) =>
    s.addService(contract.RelayServiceService, contract.relayTable, {
      relay: async (r) => echo.echo(r),
    }),
  );
  toA = createChannel({ address: a.address });
  relay = createClient(contract.RelayServiceService, contract.relayTable, toA);
});

afterAll(async () => {
  toA?.close();
  toB?.close();
  await a?.close();
  await b?.close();
  await bus?.close();
  await nats?.stop();
});

describe("correlation", () => {
  it("one correlation id and one trace flow gRPC → gRPC → NATS publish", async () => {
    const sub = bus.connection.subscribe("cktest.echo.echoed", { max: 1 });
    const published = (async () => {
      for await (const m of sub) return m;
      throw new Error("subscription ended without a message");
    })();
    await bus.connection.flush();
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const res = await runWithContext({ correlationId: "order-flow-7", traceparent }, () =>
      relay.relay({ text: "hi", count: 0, sequence: "0" }),
    );
    // The last gRPC hop ran under the caller's correlation id and trace.
    expect(res.correlationId).toBe("order-flow-7");
    const hop = seenByB.at(-1);
    expect(hop?.correlationId).toBe("order-flow-7");
    expect(parseTraceparent(hop?.traceparent)?.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(hop?.causationId).toMatch(/^[0-9a-f-]{36}$/);
    // The event it published carries them on.
    const msg = await published;
    expect(msg.headers?.get(Header.correlationId)).toBe("order-flow-7");
    expect(parseTraceparent(msg.headers?.get(Header.traceparent))?.traceId).toBe(
      "0af7651916cd43dd8448eb211c80319c",
    );
    expect(msg.headers?.get(Header.source)).toBe("echo-service");
  });

  it("a call made outside any context starts a new correlation id that the next hop keeps", async () => {
    const res = await relay.relay({ text: "fresh", count: 0, sequence: "0" });
    expect(res.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(seenByB.at(-1)?.correlationId).toBe(res.correlationId);
  });
});
