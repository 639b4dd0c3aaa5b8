import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Bus, connectBus, createIdempotentConsumer } from "../src/index.js";
import { eventually, order, orderPlacedEvent } from "./fixtures.js";

// kill -9 the broker while events are being published and consumed, restart it on the
// same store, and check that every event acknowledged to the publisher is processed,
// and applied exactly once by the idempotent consumer.
const TOTAL = 5000;
const WINDOW = 64;

let server: NatsServer;
let producer: Bus;
let consumer: Bus;

beforeAll(async () => {
  server = await startNatsServer();
  const common = { servers: server.url, reconnectTimeWaitMs: 250, publishTimeoutMs: 90_000 };
  producer = await connectBus({ ...common, name: "crash-producer" });
  consumer = await connectBus({ ...common, name: "crash-consumer" });
});

afterAll(async () => {
  await consumer?.close();
  await producer?.close();
  await server?.stop();
});

it("loses no acknowledged event across a broker kill -9 and applies each once", {
  timeout: 240_000,
}, async () => {
  const Placed = orderPlacedEvent("CRASH", "crash.orders");
  await producer.ensureStreams([Placed]);
  const idempotent = await createIdempotentConsumer(consumer, {
    scope: "crash",
    recordTimeoutMs: 120_000,
  });
  const applied = new Map<string, number>();
  const sub = await consumer.subscribe(
    Placed,
    idempotent.wrap((m) => {
      applied.set(m.orderId, (applied.get(m.orderId) ?? 0) + 1);
    }),
    { durable: "crash", concurrency: 8, ackWaitMs: 4000, backoff: [100, 250, 500], maxDeliver: -1 },
  );

  const acked = new Set<string>();
  const failed = new Set<string>();
  let next = 0;
  let killed = false;
  let appliedAtKill = -1;
  const worker = async () => {
    while (next < TOTAL) {
      const n = next++;
      const m = order(n);
      try {
        await producer.publish(Placed, m);
        acked.add(m.orderId);
      } catch {
        failed.add(m.orderId);
      }
      if (!killed && acked.size >= TOTAL / 3) {
        killed = true;
        appliedAtKill = applied.size;
        await server.kill("SIGKILL");
        await server.restart();
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  expect(killed).toBe(true);
  // The kill landed mid-stream: some events consumed, most not yet.
  expect(appliedAtKill).toBeGreaterThan(0);
  expect(appliedAtKill).toBeLessThan(TOTAL);
  // Almost everything must get through (publishes retry with the same id across the restart).
  expect(acked.size).toBeGreaterThan(TOTAL * 0.9);

  await eventually(
    () => [...acked].every((id) => applied.has(id)),
    "every acked event applied",
    150_000,
  );
  const twice = [...applied].filter(([, n]) => n !== 1);
  expect(twice).toEqual([]);
  // What the stream holds is what was acked (plus any publish whose ack was lost in the crash).
  const info = await (await producer.manager()).streams.info("CRASH");
  expect(info.state.messages).toBeGreaterThanOrEqual(acked.size);
  expect(info.state.messages).toBeLessThanOrEqual(acked.size + failed.size);
  await sub.stop();
});
