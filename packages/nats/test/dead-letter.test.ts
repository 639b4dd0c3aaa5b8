import { Code, ContractError } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { jetstream } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createDeadLetterSink,
  createHospital,
  type DeadLetterSweeper,
  ensureDeadLetterStreams,
  type Hospital,
  resolveDeadLetterSettings,
  startDeadLetterSweeper,
} from "../src/index.js";
import {
  eventually,
  type OrderPlaced,
  OrderPlacedCodec,
  order,
  orderPlacedEvent,
} from "./fixtures.js";

// Dead letters end to end against a real nats-server: the subscriber's moves, the
// max-deliveries backstop, and what a dead letter holds.
let server: NatsServer;
let bus: Bus;
let hospital: Hospital;
let sweeper: DeadLetterSweeper;
const settings = resolveDeadLetterSettings();

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ servers: server.url, deadLetters: true });
  await ensureDeadLetterStreams(await bus.manager(), settings);
  hospital = await createHospital(bus);
  sweeper = await startDeadLetterSweeper(bus);
});

afterAll(async () => {
  await sweeper?.stop();
  await bus?.close();
  await server?.stop();
});

describe("moving to the dead letters", () => {
  it("dead-letters a poison message after N deliveries, acking the healthy ones behind it first", async () => {
    const Placed = orderPlacedEvent("POISON", "poison.orders");
    await bus.ensureStreams([Placed]);
    const jsm = await bus.manager();
    const log: string[] = [];
    let pendingAtMove = -1;
    const sink = createDeadLetterSink(jetstream(bus.connection), settings);
    // The poison message first, the healthy ones behind it, all waiting before the consumer starts.
    const poison = await bus.publish(Placed, order(1));
    for (const n of [2, 3, 4]) await bus.publish(Placed, order(n));
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        if (m.orderId === "o-1") throw new Error("the stock service is confused by o-1");
        log.push(`handled:${m.orderId}`);
      },
      {
        durable: "poison",
        maxDeliver: 3,
        backoff: [1000],
        deadLetter: async (f) => {
          // Server-side truth at the moment of the move: only the poison message is unacked.
          pendingAtMove = (await jsm.consumers.info("POISON", "poison")).num_ack_pending;
          log.push(`dead:${f.deliveryCount}`);
          await sink(f);
        },
      },
    );
    await eventually(() => log.includes("dead:3"), "poison dead-lettered");
    expect(log).toEqual(["handled:o-2", "handled:o-3", "handled:o-4", "dead:3"]);
    expect(pendingAtMove).toBe(1);

    const [dead, ...more] = await hospital.list({ consumer: "poison" });
    expect(more).toEqual([]);
    expect(dead?.kind).toBe("handler");
    expect(dead?.codeName).toBe("UNKNOWN");
    expect(dead?.error).toBe("the stock service is confused by o-1");
    expect(dead?.deliveryCount).toBe(3);
    expect(dead?.stream).toBe("POISON");
    expect(dead?.streamSequence).toBe(poison.seq);
    expect(dead?.subject).toBe("poison.orders.c-1.REGION_EU.placed");
    expect(dead?.id).toBe(poison.id);
    expect(dead?.type).toBe("test.orders.v1.OrderPlaced");
    expect(OrderPlacedCodec.decode(dead?.data ?? new Uint8Array())).toEqual(order(1));
    expect(Object.keys(dead?.headers ?? {}).filter((h) => /^nats-/i.test(h))).toEqual([]);
    // The stored copy carries only its own de-duplication id.
    const stored = await jsm.streams.getMessage(settings.stream, { seq: dead?.seq ?? 0 });
    expect(stored?.header.get("Nats-Msg-Id")).toBe(`dlq:POISON:${poison.seq}:poison`);
    // The original is terminated: nothing pending, nothing redelivered.
    await eventually(async () => {
      const info = await jsm.consumers.info("POISON", "poison");
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, "original terminated");
    await sub.stop();
  });

  it("dead-letters garbage bytes with a decode error at once and keeps consuming", async () => {
    const Placed = orderPlacedEvent("GARBAGE", "garbage.orders");
    await bus.ensureStreams([Placed]);
    const handled: string[] = [];
    const sub = await bus.subscribe(Placed, (m) => void handled.push(m.orderId), {
      durable: "garbage",
      maxDeliver: 5,
    });
    const js = jetstream(bus.connection);
    const ack = await js.publish(
      "garbage.orders.c-9.REGION_EU.placed",
      new Uint8Array([0xff, 0xff, 0xff]),
    );
    await bus.publish(Placed, order(7));
    await eventually(() => handled.includes("o-7"), "healthy message after the garbage handled");
    await eventually(
      async () => (await hospital.list({ consumer: "garbage" })).length === 1,
      "dead letter",
    );
    const [dead] = await hospital.list({ consumer: "garbage", error: "decode" });
    expect(dead?.kind).toBe("decode");
    expect(dead?.code).toBe(Code.INVALID_ARGUMENT);
    expect(dead?.deliveryCount).toBe(1);
    expect(dead?.streamSequence).toBe(ack.seq);
    expect([...(dead?.data ?? [])]).toEqual([0xff, 0xff, 0xff]);
    expect(dead?.error).toContain("is not a valid test.orders.v1.OrderPlaced");
    await sub.stop();
  });

  it("dead-letters non-retryable errors and validation failures on the first delivery", async () => {
    const Placed = orderPlacedEvent("NORETRY", "noretry.orders");
    await bus.ensureStreams([Placed]);
    const calls: string[] = [];
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        calls.push(m.orderId);
        throw new ContractError(Code.FAILED_PRECONDITION, `order ${m.orderId} was cancelled`);
      },
      { durable: "noretry", maxDeliver: 5 },
    );
    await bus.publish(Placed, order(1));
    // Valid bytes that break the contract (amountCents must be > 0), sent around publish's check.
    const invalid: OrderPlaced = { ...order(2), amountCents: 0 };
    await jetstream(bus.connection).publish(
      Placed.subject(invalid),
      OrderPlacedCodec.encode(invalid),
    );
    await eventually(
      async () => (await hospital.list({ consumer: "noretry" })).length === 2,
      "two dead letters",
    );
    const [cancelled] = await hospital.list({ consumer: "noretry", error: "FAILED_PRECONDITION" });
    expect(cancelled?.deliveryCount).toBe(1);
    expect(cancelled?.error).toBe("order o-1 was cancelled");
    const [invalidDead] = await hospital.list({ consumer: "noretry", error: "validation" });
    expect(invalidDead?.code).toBe(Code.INVALID_ARGUMENT);
    expect(invalidDead?.deliveryCount).toBe(1);
    expect(invalidDead?.error).toContain("amountCents");
    expect(calls).toEqual(["o-1"]);
    await sub.stop();
  });
});

describe("the max-deliveries backstop", () => {
  it("moves a message whose handler hangs past ackWait until JetStream gives up", async () => {
    const Placed = orderPlacedEvent("HANG", "hang.orders");
    await bus.ensureStreams([Placed]);
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const deliveries: number[] = [];
    const handled: string[] = [];
    const sub = await bus.subscribe(
      Placed,
      async (m, ctx) => {
        if (m.orderId === "o-1") {
          deliveries.push(ctx.deliveryCount);
          await released; // ignores ctx.signal: a handler stuck in I/O
          return;
        }
        handled.push(m.orderId);
      },
      { durable: "hang", maxDeliver: 2, ackWaitMs: 1000, concurrency: 4 },
    );
    try {
      const hung = await bus.publish(Placed, order(1));
      await bus.publish(Placed, order(2));
      await eventually(
        async () => (await hospital.list({ consumer: "hang" })).length === 1,
        "backstop moved it",
      );
      const [dead] = await hospital.list({ consumer: "hang" });
      expect(dead?.kind).toBe("max-deliveries");
      expect(dead?.streamSequence).toBe(hung.seq);
      expect(dead?.deliveryCount).toBe(2);
      expect(dead?.id).toBe(hung.id);
      expect(dead?.error).toContain("without an ack or a reported failure");
      expect(OrderPlacedCodec.decode(dead?.data ?? new Uint8Array())).toEqual(order(1));
      expect(deliveries).toEqual([1, 2]);
      expect(handled).toEqual(["o-2"]);
    } finally {
      release();
      await sub.stop();
    }
  });
});
