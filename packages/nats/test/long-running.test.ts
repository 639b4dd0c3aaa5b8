import {
  Code,
  ContractError,
  type MessageType,
  type NatsServiceDefinition,
} from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type Bus,
  connectBus,
  createLongRunningCaller,
  ensureLongRunningStream,
  type LongRunningOutcome,
  resolveLongRunningSettings,
  serveLongRunning,
} from "../src/index.js";
import { eventually, type OrderPlaced, order, orderPlacedEvent } from "./fixtures.js";

// Long-running requests over JetStream: the answer reaches any instance of the caller,
// the pending state lives in KV, and a missing answer is reported as a time-out.
interface Reservation {
  reservationId: string;
}

const ReservationType: MessageType<Reservation> = {
  typeName: "test.stock.v1.Reservation",
  codec: {
    encode: (m) => new TextEncoder().encode(JSON.stringify(m)),
    decode: (b) => JSON.parse(new TextDecoder().decode(b)) as Reservation,
  },
  schema: z.object({ reservationId: z.string().min(1) }),
  sensitiveFields: [],
};

/** A NATS-transport service with a method marked long-running, as the generator emits it. */
const StockService: NatsServiceDefinition = {
  kind: "nats-service",
  typeName: "test.stock.v1.StockService",
  subjectPrefix: "test.rpc.stock",
  queueGroup: "stock",
  methods: {
    reserveStock: {
      name: "reserveStock",
      protoName: "ReserveStock",
      kind: "unary",
      input: orderPlacedEvent() as MessageType<unknown>,
      output: ReservationType as MessageType<unknown>,
      timeoutMs: 60_000,
      idempotency: "IDEMPOTENT",
      longRunning: true,
      subject: "test.rpc.stock.ReserveStock",
    },
    checkStock: {
      name: "checkStock",
      protoName: "CheckStock",
      kind: "unary",
      input: orderPlacedEvent() as MessageType<unknown>,
      output: ReservationType as MessageType<unknown>,
      timeoutMs: 1000,
      idempotency: "NO_SIDE_EFFECTS",
      longRunning: false,
      subject: "test.rpc.stock.CheckStock",
    },
  },
};

let server: NatsServer;
const buses: Bus[] = [];
const connect = async () => {
  const bus = await connectBus({ servers: server.url, telemetry: false });
  buses.push(bus);
  return bus;
};

beforeAll(async () => {
  server = await startNatsServer();
  const admin = await connect();
  await ensureLongRunningStream(await admin.manager(), resolveLongRunningSettings());
});

afterAll(async () => {
  for (const b of buses) await b.close();
  await server?.stop();
});

/** The caller's pending entry of a request in the KV bucket, if any. */
const pending = async (bus: Bus, caller: string, requestId: string) => {
  const kv = await new Kvm(bus.connection).open("ck_long_running");
  const entry = await kv.get(`${caller}.test_stock_v1_StockService.ReserveStock.${requestId}`);
  return entry?.operation === "PUT" ? entry.json<{ state: string; method: string }>() : undefined;
};

describe("long-running requests", () => {
  it("is answered to a different instance of the caller than the one that sent it", async () => {
    const sender = await connect();
    const senderCaller = await createLongRunningCaller(sender, { caller: "orders" });
    const sent = await senderCaller.send(StockService, "reserveStock", order(1), {
      context: { orderId: "o-1" },
    });
    // The pending state is in KV, not in the sender's memory; the sender goes away.
    expect(await pending(sender, "orders", sent.requestId)).toMatchObject({
      state: "pending",
      method: "reserveStock",
    });
    await sender.close();

    const other = await connect();
    const outcomes: Array<LongRunningOutcome<Reservation>> = [];
    const listener = await (await createLongRunningCaller(other, { caller: "orders" })).listen(
      StockService,
      {
        reserveStock: (o: LongRunningOutcome<Reservation>) => void outcomes.push(o),
      },
    );
    const seen: string[] = [];
    const stockBus = await connect();
    const stock = await serveLongRunning(stockBus, StockService, {
      reserveStock: async (req, ctx) => {
        seen.push(`${(req as OrderPlaced).orderId}:${ctx.correlationId}`);
        return { reservationId: `r-${(req as OrderPlaced).orderId}` };
      },
    });
    await eventually(() => outcomes.length === 1, "outcome at the other instance");
    const [outcome] = outcomes;
    expect(outcome?.kind).toBe("response");
    expect(outcome?.kind === "response" && outcome.response).toEqual({ reservationId: "r-o-1" });
    expect(outcome?.requestId).toBe(sent.requestId);
    expect(outcome?.correlationId).toBe(sent.correlationId);
    expect(outcome?.context).toEqual({ orderId: "o-1" });
    expect(seen).toEqual([`o-1:${sent.correlationId}`]);
    await eventually(
      async () => (await pending(other, "orders", sent.requestId)) === undefined,
      "pending entry removed",
    );
    await stock.stop();
    await listener.stop();
    // A stopped service leaves: its pull requests must not hold the next test's messages.
    await stockBus.close();
    await other.close();
  });

  it("reports a request that outlives its time-out, once, and ignores a late answer", async () => {
    const a = await createLongRunningCaller(await connect(), {
      caller: "billing",
      sweepIntervalMs: 200,
    });
    const b = await createLongRunningCaller(await connect(), {
      caller: "billing",
      sweepIntervalMs: 200,
    });
    const outcomes: Array<LongRunningOutcome<Reservation>> = [];
    const handler = (o: LongRunningOutcome<Reservation>) => void outcomes.push(o);
    const listeners = [
      await a.listen(StockService, { reserveStock: handler }),
      await b.listen(StockService, { reserveStock: handler }),
    ];
    const sent = await a.send(StockService, "reserveStock", order(2), { timeoutMs: 1500 });
    await eventually(
      async () => (await pending(buses[0] as Bus, "billing", sent.requestId)) === undefined,
      "reported and removed",
    );
    expect(outcomes).toHaveLength(1);
    const [outcome] = outcomes;
    expect(outcome?.kind).toBe("timeout");
    expect(outcome?.kind === "timeout" && outcome.error.code).toBe(Code.DEADLINE_EXCEEDED);
    expect(outcome?.requestId).toBe(sent.requestId);

    // A responder that comes up after the deadline does not run the request.
    let ran = 0;
    const stock = await serveLongRunning(await connect(), StockService, {
      reserveStock: async () => {
        ran++;
        return { reservationId: "late" };
      },
    });
    const probe = await a.send(StockService, "reserveStock", order(3), { timeoutMs: 60_000 });
    await eventually(
      () => outcomes.some((o) => o.requestId === probe.requestId),
      "a fresh request answered",
    );
    expect(ran).toBe(1);
    expect(outcomes.filter((o) => o.requestId === sent.requestId)).toHaveLength(1);
    await stock.stop();
    for (const l of listeners) await l.stop();
  });

  it("hands the responder's ContractError to the caller", async () => {
    const caller = await createLongRunningCaller(await connect(), { caller: "shop" });
    const outcomes: Array<LongRunningOutcome<Reservation>> = [];
    const listener = await caller.listen(StockService, {
      reserveStock: (o: LongRunningOutcome<Reservation>) => void outcomes.push(o),
    });
    const stock = await serveLongRunning(await connect(), StockService, {
      reserveStock: async (req) => {
        throw new ContractError(
          Code.FAILED_PRECONDITION,
          `${(req as OrderPlaced).orderId} is out of stock`,
        );
      },
    });
    await caller.send(StockService, "reserveStock", order(4));
    await eventually(() => outcomes.length === 1, "error outcome");
    const [outcome] = outcomes;
    expect(outcome?.kind).toBe("error");
    if (outcome?.kind === "error") {
      expect(outcome.error.code).toBe(Code.FAILED_PRECONDITION);
      expect(outcome.error.rawMessage).toBe("o-4 is out of stock");
    }
    const refused = await caller
      .send(StockService, "reserveStock", { ...order(5), amountCents: 0 })
      .catch((e: unknown) => e);
    expect((refused as ContractError).code).toBe(Code.INVALID_ARGUMENT);
    const notLongRunning = await caller
      .send(StockService, "checkStock", order(6))
      .catch((e: unknown) => e);
    expect(String(notLongRunning)).toContain(
      '"checkStock" is not a long-running method (long-running: reserveStock)',
    );
    await stock.stop();
    await listener.stop();
  });
});
