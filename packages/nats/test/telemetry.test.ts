import { randomBytes } from "node:crypto";
import { Header, parseTraceparent } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import * as api from "@opentelemetry/api";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectBus, type EventContext } from "../src/index.js";
import { eventually, order, orderPlacedEvent } from "./fixtures.js";

// A minimal recording tracer (no SDK is installed): enough to see the spans the bus makes.
interface Recorded {
  name: string;
  kind: api.SpanKind | undefined;
  context: api.SpanContext;
  parent: api.SpanContext | undefined;
  links: api.Link[];
  attributes: api.Attributes;
  ended: boolean;
}
const recorded: Recorded[] = [];

const tracer = {
  startSpan(
    name: string,
    options: api.SpanOptions = {},
    ctx: api.Context = api.context.active(),
  ): api.Span {
    const parent = api.trace.getSpanContext(ctx);
    const context: api.SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: api.TraceFlags.SAMPLED,
    };
    const rec: Recorded = {
      name,
      kind: options.kind,
      context,
      parent,
      links: options.links ?? [],
      attributes: { ...options.attributes },
      ended: false,
    };
    recorded.push(rec);
    const span: api.Span = {
      spanContext: () => context,
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: () => span,
      addLink: () => span,
      addLinks: () => span,
      setStatus: () => span,
      updateName: () => span,
      end: () => {
        rec.ended = true;
      },
      isRecording: () => true,
      recordException: () => {},
    };
    return span;
  },
} as unknown as api.Tracer;

let server: NatsServer;

beforeAll(async () => {
  api.trace.setGlobalTracerProvider({ getTracer: () => tracer });
  server = await startNatsServer();
});

afterAll(async () => {
  api.trace.disable();
  await server?.stop();
});

it("creates a producer span and a consumer span linked to it", async () => {
  const bus = await connectBus({ servers: server.url });
  const Placed = orderPlacedEvent("OTEL", "otel.orders");
  await bus.ensureStreams([Placed]);
  let seen: EventContext | undefined;
  const sub = await bus.subscribe(
    Placed,
    (_m, ctx) => {
      seen = ctx;
    },
    { durable: "otel" },
  );
  await bus.publish(Placed, order(1));
  await eventually(
    () => seen !== undefined && recorded.filter((r) => r.ended).length === 2,
    "both spans ended",
  );
  const producer = recorded.find((r) => r.kind === api.SpanKind.PRODUCER);
  const consumer = recorded.find((r) => r.kind === api.SpanKind.CONSUMER);
  expect(producer?.name).toBe("send otel.orders.c-1.REGION_EU.placed");
  expect(producer?.attributes["messaging.system"]).toBe("nats");
  expect(consumer?.name).toBe("process otel.orders.c-1.REGION_EU.placed");
  expect(consumer?.attributes["messaging.consumer.group.name"]).toBe("otel");
  // The message carries the producer span; the consumer span continues its trace and links to it.
  const sent = parseTraceparent(seen?.headers[Header.traceparent]);
  expect(sent?.spanId).toBe(producer?.context.spanId);
  expect(consumer?.parent?.spanId).toBe(producer?.context.spanId);
  expect(consumer?.context.traceId).toBe(producer?.context.traceId);
  expect(consumer?.links[0]?.context.spanId).toBe(producer?.context.spanId);
  await sub.stop();
  await bus.close();
});
