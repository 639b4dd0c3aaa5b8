import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Bus, connectBus, createIdempotentConsumer } from "../src/index.js";
import { eventually, order, orderSeenEvent } from "./fixtures.js";

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

it("applies each id once, per scope, and remembers it in a KV bucket with a TTL", async () => {
  const a = await createIdempotentConsumer(bus, { scope: "billing", ttlMs: 3_600_000 });
  const b = await createIdempotentConsumer(bus, { scope: "shipping" });
  let runs = 0;
  const work = () => {
    runs++;
  };
  expect(await a.once("0192-aaaa", work)).toBe(true);
  expect(await a.once("0192-aaaa", work)).toBe(false);
  expect(await a.applied("0192-aaaa")).toBe(true);
  expect(await b.once("0192-aaaa", work)).toBe(true);
  expect(runs).toBe(2);
  // Concurrent redeliveries of one id in one process run it once.
  const results = await Promise.all([
    a.once("x-1", work),
    a.once("x-1", work),
    a.once("x-1", work),
  ]);
  expect(results.filter(Boolean)).toHaveLength(1);
  expect(runs).toBe(3);
  // A failed attempt is not recorded: the retry runs it.
  await expect(a.once("x-2", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  expect(await a.once("x-2", work)).toBe(true);
  const status = await (await bus.manager()).streams.info("KV_ck_idempotency");
  expect(status.config.max_age).toBe(3_600_000 * 1_000_000);
});

it("wraps a handler so a re-sent event (same ce-id) is handled once", async () => {
  const Seen = orderSeenEvent("idem.seen");
  const idem = await createIdempotentConsumer(bus, { scope: "wrap" });
  const handled: string[] = [];
  const delivered: string[] = [];
  const sub = await bus.subscribe(Seen, async (m, ctx) => {
    delivered.push(ctx.id);
    await idem.wrap<typeof m, "customerId">(async (msg) => void handled.push(msg.orderId))(m, ctx);
  });
  await bus.connection.flush();
  const first = await bus.publish(Seen, order(1));
  await bus.publish(Seen, order(1), { id: first.id });
  await bus.publish(Seen, order(2));
  // Handled in order (concurrency 1): once o-2 is applied, the duplicate has been seen.
  await eventually(() => handled.includes("o-2"), "o-2 applied");
  expect(delivered).toHaveLength(3);
  expect(handled).toEqual(["o-1", "o-2"]);
  await sub.stop();
});
