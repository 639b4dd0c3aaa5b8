import { Code, currentContext, Header, isContractError, parseTraceparent } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bus, connectBus, type EventContext } from "../src/index.js";
import {
  eventually,
  type OrderPlaced,
  order,
  orderPlacedEvent,
  orderSeenEvent,
  Region,
} from "./fixtures.js";

let server: NatsServer;
let bus: Bus;

beforeAll(async () => {
  server = await startNatsServer({ config: "max_payload: 65536" });
  bus = await connectBus({ servers: server.url, name: "events-test" });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

describe("stream-backed events", () => {
  it("round-trips a typed event with its subject tokens and envelope", async () => {
    const Placed = orderPlacedEvent("RT", "rt.orders");
    await bus.ensureStreams([Placed]);
    const got: Array<{ m: OrderPlaced; ctx: EventContext<"customerId" | "region"> }> = [];
    const sub = await bus.subscribe(Placed, (m, ctx) => void got.push({ m, ctx }), {
      durable: "rt",
    });
    const sent = await bus.publish(
      Placed,
      order(1, { customerId: "c-42", region: Region.REGION_US }),
    );
    expect(sent.stream).toBe("RT");
    expect(sent.seq).toBe(1);
    expect(sent.subject).toBe("rt.orders.c-42.REGION_US.placed");
    await eventually(() => got.length === 1, "delivery");
    const [{ m, ctx }] = got as [(typeof got)[number]];
    expect(m).toEqual(order(1, { customerId: "c-42", region: Region.REGION_US }));
    expect(ctx.tokens).toEqual({ customerId: "c-42", region: "REGION_US" });
    expect(ctx.id).toBe(sent.id);
    expect(ctx.headers[Header.natsMsgId]).toBe(sent.id);
    expect(ctx.headers[Header.type]).toBe("test.orders.v1.OrderPlaced");
    expect(ctx.headers[Header.source]).toBe("events-test");
    expect(ctx.headers[Header.contentType]).toBe("application/protobuf");
    expect(ctx.deliveryCount).toBe(1);
    expect(ctx.streamSequence).toBe(1);
    await sub.stop();
  });

  it("re-sending with the same id is stored once", async () => {
    const Placed = orderPlacedEvent("DEDUP", "dedup.orders");
    await bus.ensureStreams([Placed]);
    const first = await bus.publish(Placed, order(1));
    const again = await bus.publish(Placed, order(1), { id: first.id });
    expect(again.duplicate).toBe(true);
    expect(again.seq).toBe(first.seq);
    const info = await (await bus.manager()).streams.info("DEDUP");
    expect(info.state.messages).toBe(1);
  });

  it("filters by subject tokens (wildcard subscription)", async () => {
    const Placed = orderPlacedEvent("WILD", "wild.orders");
    await bus.ensureStreams([Placed]);
    const got: string[] = [];
    const sub = await bus.subscribe(Placed, (m) => void got.push(m.orderId), {
      durable: "eu-only",
      filter: { region: Region.REGION_EU },
    });
    expect(sub.subject).toBe("wild.orders.*.REGION_EU.placed");
    await bus.publish(Placed, order(1, { region: Region.REGION_US }));
    await bus.publish(Placed, order(2, { region: Region.REGION_EU }));
    await bus.publish(Placed, order(3, { region: Region.REGION_US }));
    await bus.publish(Placed, order(4, { region: Region.REGION_EU }));
    await eventually(() => got.length === 2, "two EU orders");
    expect(got).toEqual(["o-2", "o-4"]);
    await sub.stop();
  });

  it("competing consumers that share a durable split the work", async () => {
    const Placed = orderPlacedEvent("COMPETE", "compete.orders");
    await bus.ensureStreams([Placed]);
    const other = await connectBus({ servers: server.url, name: "instance-b" });
    const seen = new Map<string, string[]>();
    const slowly = (who: string) => async (m: OrderPlaced) => {
      seen.set(m.orderId, [...(seen.get(m.orderId) ?? []), who]);
      await new Promise((r) => setTimeout(r, 5));
    };
    const a = await bus.subscribe(Placed, slowly("a"), { durable: "workers" });
    const b = await other.subscribe(Placed, slowly("b"), { durable: "workers" });
    for (let i = 0; i < 200; i++) await bus.publish(Placed, order(i));
    await eventually(() => seen.size === 200, "all 200 handled");
    const byA = [...seen.values()].filter((w) => w.includes("a")).length;
    const byB = [...seen.values()].filter((w) => w.includes("b")).length;
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect([...seen.values()].every((w) => w.length === 1)).toBe(true);
    await a.stop();
    await b.stop();
    await other.close();
  });

  it("a thrown error naks with the backoff delay, then the retry succeeds", async () => {
    const Placed = orderPlacedEvent("RETRY", "retry.orders");
    await bus.ensureStreams([Placed]);
    const attempts: Array<{ at: number; count: number }> = [];
    const before = bus.counters();
    const sub = await bus.subscribe(
      Placed,
      (_m, ctx) => {
        attempts.push({ at: Date.now(), count: ctx.deliveryCount });
        if (ctx.deliveryCount < 3) throw new Error("database busy");
      },
      { durable: "retry", backoff: [300, 600] },
    );
    await bus.publish(Placed, order(1));
    await eventually(() => bus.counters().acked > before.acked, "ack after retries");
    expect(attempts.map((a) => a.count)).toEqual([1, 2, 3]);
    const [a1, a2, a3] = attempts.map((a) => a.at) as [number, number, number];
    // The nak delay is honoured: never earlier than the backoff (a plain nak would be ~0 ms).
    expect(a2 - a1).toBeGreaterThanOrEqual(290);
    expect(a3 - a2).toBeGreaterThanOrEqual(590);
    const after = bus.counters();
    expect(after.naked - before.naked).toBe(2);
    expect(after.redelivered - before.redelivered).toBe(2);
    await sub.stop();
  });

  it("delivers in stream order with concurrency 1, and a nak puts the failed event behind later ones", async () => {
    const Placed = orderPlacedEvent("ORDER", "order.orders");
    await bus.ensureStreams([Placed]);
    const seen: string[] = [];
    let failedOnce = false;
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        seen.push(m.orderId);
        if (m.orderId === "o-0" && !failedOnce) {
          failedOnce = true;
          throw new Error("first attempt fails");
        }
      },
      { durable: "order", backoff: [500] },
    );
    for (let i = 0; i < 200; i++) await bus.publish(Placed, order(i));
    await eventually(() => seen.length === 201, "all events plus the redelivery");
    const expected = Array.from({ length: 200 }, (_, i) => `o-${i}`);
    // Apart from the redelivered o-0, the order is the publish order.
    expect(seen.slice(0, 1)).toEqual(["o-0"]);
    expect(seen.slice(1).filter((id) => id !== "o-0")).toEqual(expected.slice(1));
    // The redelivery of o-0 came after events published later than it.
    expect(seen.indexOf("o-0", 1)).toBeGreaterThan(1);
    await sub.stop();
  });

  it("refuses an invalid event before sending it", async () => {
    const Placed = orderPlacedEvent("INVALID", "invalid.orders");
    await bus.ensureStreams([Placed]);
    const err = await bus.publish(Placed, order(1, { amountCents: 0 })).catch((e: unknown) => e);
    expect(isContractError(err)).toBe(true);
    if (!isContractError(err)) return;
    expect(err.code).toBe(Code.INVALID_ARGUMENT);
    expect(err.message).toContain("test.orders.v1.OrderPlaced");
    expect(err.findDetail("google.rpc.BadRequest")?.fieldViolations[0]?.field).toBe("amountCents");
    const info = await (await bus.manager()).streams.info("INVALID");
    expect(info.state.messages).toBe(0);
  });

  it("refuses an event over the server's max_payload, naming both sizes", async () => {
    const Placed = orderPlacedEvent("BIG", "big.orders");
    await bus.ensureStreams([Placed], { streamOverrides: { BIG: { maxMsgSize: 2048 } } });
    const over = await bus
      .publish(Placed, order(1, { note: "x".repeat(70_000) }))
      .catch((e: unknown) => e);
    expect(isContractError(over) && over.code).toBe(Code.INVALID_ARGUMENT);
    expect(String(over)).toMatch(/over the server's max_payload of 65536 bytes/);
    const overStream = await bus
      .publish(Placed, order(2, { note: "x".repeat(4000) }))
      .catch((e: unknown) => e);
    expect(String(overStream)).toMatch(
      /over stream BIG's max_msg_size of 2048 bytes \(server max_payload 65536\)/,
    );
    expect((await (await bus.manager()).streams.info("BIG")).state.messages).toBe(0);
  });

  it("carries ce-id, traceparent and correlation id from publish to handler to a nested publish", async () => {
    const Placed = orderPlacedEvent("FLOW", "flow.orders");
    const Seen = orderSeenEvent("flow.seen");
    await bus.ensureStreams([Placed]);
    const nested: EventContext[] = [];
    const seenSub = await bus.subscribe(Seen, (_m, ctx) => void nested.push(ctx));
    let outer: EventContext | undefined;
    const sub = await bus.subscribe(
      Placed,
      async (m, ctx) => {
        outer = ctx;
        expect(currentContext()?.correlationId).toBe(ctx.correlationId);
        await bus.publish(Seen, m);
      },
      { durable: "flow" },
    );
    const { id } = await bus.publish(Placed, order(7));
    await eventually(() => nested.length === 1, "nested event");
    const first = outer as EventContext;
    const second = nested[0] as EventContext;
    expect(first.id).toBe(id);
    expect(second.correlationId).toBe(first.correlationId);
    expect(second.envelope.causationId).toBe(id);
    expect(second.id).not.toBe(id);
    const t1 = parseTraceparent(first.envelope.traceparent);
    const t2 = parseTraceparent(second.envelope.traceparent);
    expect(t1?.traceId).toBeDefined();
    expect(t2?.traceId).toBe(t1?.traceId);
    expect(t2?.spanId).not.toBe(t1?.spanId);
    await sub.stop();
    await seenSub.stop();
  });
});

describe("core NATS events", () => {
  it("round-trips and shares messages in a queue group", async () => {
    const Seen = orderSeenEvent("core.seen");
    const got: string[] = [];
    const other = await connectBus({ servers: server.url });
    const a = await bus.subscribe(Seen, (m) => void got.push(`a:${m.orderId}`), { queue: "q" });
    const b = await other.subscribe(Seen, (m) => void got.push(`b:${m.orderId}`), { queue: "q" });
    await bus.connection.flush();
    await other.connection.flush();
    for (let i = 0; i < 50; i++) await bus.publish(Seen, order(i));
    await eventually(() => got.length === 50, "50 deliveries");
    expect(new Set(got.map((g) => g.slice(2))).size).toBe(50);
    await a.stop();
    await b.stop();
    await other.close();
  });

  it("rejects a subject token that would change the subject", async () => {
    const Seen = orderSeenEvent("core.bad");
    const err = await bus.publish(Seen, order(1, { customerId: "a.b" })).catch((e: unknown) => e);
    expect(isContractError(err) && err.code).toBe(Code.INVALID_ARGUMENT);
    expect(String(err)).toContain("{customer_id}");
  });
});
