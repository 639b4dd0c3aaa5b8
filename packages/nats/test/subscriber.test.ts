import { Code, ContractError } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Bus, connectBus, type DeliveryFailure } from "../src/index.js";
import { eventually, order, orderPlacedEvent } from "./fixtures.js";

let server: NatsServer;
let bus: Bus;

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ servers: server.url });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

describe("ack wait", () => {
  it("fires the handler's AbortSignal when ackWait elapses", async () => {
    const Placed = orderPlacedEvent("ACKWAIT", "ackwait.orders");
    await bus.ensureStreams([Placed]);
    const reasons: unknown[] = [];
    const sub = await bus.subscribe(
      Placed,
      (_m, ctx) =>
        new Promise<void>((resolve) => {
          if (ctx.deliveryCount > 1) return resolve();
          ctx.signal.addEventListener("abort", () => {
            reasons.push(ctx.signal.reason);
            resolve();
          });
        }),
      { durable: "ackwait", ackWaitMs: 1000 },
    );
    await bus.publish(Placed, order(1));
    await eventually(() => reasons.length === 1, "signal fired");
    expect((reasons[0] as DOMException).name).toBe("TimeoutError");
    expect(String((reasons[0] as DOMException).message)).toContain("ack wait of 1000 ms");
    await sub.stop();
  });

  it("working() keeps a long handler's message from being redelivered", async () => {
    const Placed = orderPlacedEvent("WORKING", "working.orders");
    await bus.ensureStreams([Placed]);
    const deliveries: number[] = [];
    let aborted = false;
    const sub = await bus.subscribe(
      Placed,
      async (_m, ctx) => {
        deliveries.push(ctx.deliveryCount);
        // Three times the ack wait, reporting progress well inside it.
        for (let i = 0; i < 15; i++) {
          await new Promise((r) => setTimeout(r, 200));
          ctx.working();
        }
        aborted = ctx.signal.aborted;
      },
      { durable: "working", ackWaitMs: 1000 },
    );
    const before = bus.counters().acked;
    await bus.publish(Placed, order(1));
    await eventually(() => bus.counters().acked > before, "acked");
    expect(deliveries).toEqual([1]);
    expect(aborted).toBe(false);
    const info = await (await bus.manager()).consumers.info("WORKING", "working");
    expect(info.num_redelivered).toBe(0);
    await sub.stop();
  });
});

describe("drain", () => {
  it("lets a running handler finish and ack before the connection closes", async () => {
    const Placed = orderPlacedEvent("DRAIN", "drain.orders");
    await bus.ensureStreams([Placed]);
    const worker = await connectBus({ servers: server.url });
    let started = false;
    let finished = false;
    await worker.subscribe(
      Placed,
      async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
      { durable: "drain" },
    );
    await bus.publish(Placed, order(1));
    await eventually(() => started, "handler started");
    await worker.drain();
    expect(finished).toBe(true);
    expect(worker.connection.isClosed()).toBe(true);
    const info = await (await bus.manager()).consumers.info("DRAIN", "drain");
    expect(info.num_ack_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(1);
  });
});

describe("the dead-letter step", () => {
  it("gets a message that can never succeed, which is then terminated, not redelivered", async () => {
    const Placed = orderPlacedEvent("DEAD", "dead.orders");
    await bus.ensureStreams([Placed]);
    const dead: DeliveryFailure[] = [];
    const calls: string[] = [];
    const before = bus.counters();
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        calls.push(m.orderId);
        if (m.orderId === "o-1")
          throw new ContractError(Code.FAILED_PRECONDITION, "order o-1 is cancelled");
        if (m.orderId === "o-2") throw new Error("flaky");
      },
      {
        durable: "dead",
        maxDeliver: 3,
        backoff: [50],
        deadLetter: async (f) => {
          dead.push(f);
        },
      },
    );
    await bus.publish(Placed, order(1));
    await bus.publish(Placed, order(2));
    // Garbage on the event's subject: a decode failure goes straight to the dead letters.
    await bus.connection.request(
      "dead.orders.c-9.REGION_EU.placed",
      new Uint8Array([0xff, 0xff, 0xff]),
    );
    await eventually(() => dead.length === 3, "three dead letters");
    const byKind = Object.fromEntries(
      dead.map((d) => [d.kind === "decode" ? "decode" : d.error.rawMessage, d]),
    );
    // Non-retryable code: at once, no retry.
    const cancelled = byKind["order o-1 is cancelled"];
    expect(cancelled?.deliveryCount).toBe(1);
    expect(cancelled?.final).toBe(true);
    expect(cancelled?.error.code).toBe(Code.FAILED_PRECONDITION);
    // Retryable error: after the last allowed delivery.
    expect(byKind.flaky?.deliveryCount).toBe(3);
    expect(byKind.flaky?.streamSequence).toBe(2);
    expect(byKind.decode?.subject).toBe("dead.orders.c-9.REGION_EU.placed");
    expect([...(byKind.decode?.data ?? [])]).toEqual([0xff, 0xff, 0xff]);
    expect(calls.filter((c) => c === "o-1")).toHaveLength(1);
    expect(calls.filter((c) => c === "o-2")).toHaveLength(3);
    const after = bus.counters();
    expect(after.terminated - before.terminated).toBe(3);
    expect(after.invalid - before.invalid).toBe(1);
    // Terminated: nothing left pending for the consumer.
    await eventually(async () => {
      const info = await (await bus.manager()).consumers.info("DEAD", "dead");
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, "nothing pending");
    await sub.stop();
  });
});
