import { type NatsCluster, startNatsCluster } from "@contractkit/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Bus, connectBus } from "../src/index.js";
import { eventually, order, orderPlacedEvent } from "./fixtures.js";

// A three-node cluster with an R3 stream: kill the stream leader while events are being
// published and consumed. Publishing and consuming continue, and nothing acked is lost.
const TOTAL = 3000;
const WINDOW = 32;

let cluster: NatsCluster;
let producer: Bus;
let consumer: Bus;

beforeAll(async () => {
  cluster = await startNatsCluster({ size: 3 });
  const common = { servers: cluster.urls, reconnectTimeWaitMs: 250, publishTimeoutMs: 90_000 };
  producer = await connectBus({ ...common, name: "failover-producer" });
  consumer = await connectBus({ ...common, name: "failover-consumer" });
}, 120_000);

afterAll(async () => {
  await consumer?.close();
  await producer?.close();
  await cluster?.stop();
});

it("keeps publishing and consuming when a node of an R3 stream dies", {
  timeout: 240_000,
}, async () => {
  const Placed = orderPlacedEvent("FAILOVER", "failover.orders");
  // Stream creation in a fresh cluster can race the meta leader's first election.
  await eventually(
    () =>
      producer.ensureStreams([Placed], { streams: { replicas: 3 } }).then(
        () => true,
        () => false,
      ),
    "R3 stream created",
    60_000,
  );
  const jsm = await producer.manager();
  const stream = await jsm.streams.info("FAILOVER");
  expect(stream.config.num_replicas).toBe(3);
  expect(stream.cluster?.replicas?.length).toBe(2);

  const consumed = new Set<string>();
  const sub = await consumer.subscribe(Placed, (m) => void consumed.add(m.orderId), {
    durable: "failover",
    concurrency: 4,
    ackWaitMs: 4000,
    backoff: [100, 250],
    maxDeliver: -1,
  });

  const acked = new Set<string>();
  const errors: string[] = [];
  let next = 0;
  let victim: string | undefined;
  let consumedAtKill = -1;
  const worker = async () => {
    while (next < TOTAL) {
      const m = order(next++);
      try {
        await producer.publish(Placed, m);
        acked.add(m.orderId);
      } catch (err) {
        // not acked: not promised
        errors.push(String(err));
      }
      if (victim === undefined && acked.size >= TOTAL / 3) {
        victim = "";
        const leader = (await jsm.streams.info("FAILOVER")).cluster?.leader ?? "";
        const node = cluster.servers.find((s) => s.name === leader) ?? cluster.servers[0];
        victim = node?.name ?? "";
        consumedAtKill = consumed.size;
        await node?.kill("SIGKILL");
      }
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, worker));
  expect(victim).toBeTruthy();
  expect(consumedAtKill).toBeGreaterThan(0);
  expect(consumedAtKill).toBeLessThan(TOTAL);
  // Publishing continued after the kill: two thirds of the events were sent after it.
  expect(acked.size, errors.slice(0, 3).join("\n")).toBeGreaterThan(TOTAL * 0.9);

  await eventually(
    () => [...acked].every((id) => consumed.has(id)),
    "every acked event consumed",
    150_000,
  );
  // A new leader was elected among the survivors.
  await eventually(
    async () => {
      const info = await jsm.streams.info("FAILOVER").catch(() => undefined);
      return !!info?.cluster?.leader && info.cluster.leader !== victim;
    },
    "a new stream leader",
    60_000,
  );
  await sub.stop();
});
