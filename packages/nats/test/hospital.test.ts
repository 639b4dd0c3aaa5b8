import {
  Code,
  ContractError,
  type EventDefinition,
  Header,
  isContractError,
} from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createHospital,
  decoderFromTypes,
  ensureDeadLetterStreams,
  type Hospital,
  REDACTED,
  redact,
  resolveDeadLetterSettings,
} from "../src/index.js";
import {
  eventually,
  type OrderPlaced,
  OrderPlacedCodec,
  order,
  orderPlacedEvent,
} from "./fixtures.js";

// The hospital's library API against a real nats-server: list, show, replay, discard.
let server: NatsServer;
let bus: Bus;
let hospital: Hospital;
const settings = resolveDeadLetterSettings();

/** The fixture event with `note` marked sensitive, as the generator would emit it. */
function sensitivePlaced(
  stream: string,
  prefix: string,
): EventDefinition<OrderPlaced, "customerId" | "region"> {
  return { ...orderPlacedEvent(stream, prefix), sensitiveFields: ["note"] };
}

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus({ servers: server.url, deadLetters: true });
  await ensureDeadLetterStreams(await bus.manager(), settings);
  hospital = await createHospital(bus, {
    decoder: decoderFromTypes([sensitivePlaced("SHOW", "show.orders")]),
  });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

const cancelled = (id: string) => new ContractError(Code.FAILED_PRECONDITION, `${id} is cancelled`);

describe("replay", () => {
  it("delivers again to the consumer that failed and to no other", async () => {
    const Placed = orderPlacedEvent("REPLAY", "replay.orders");
    await bus.ensureStreams([Placed]);
    let broken = true;
    const billing: Array<{
      id: string;
      replay: string | undefined;
      ceId: string;
      customer: string;
    }> = [];
    const shipping: string[] = [];
    const subs = [
      await bus.subscribe(
        Placed,
        (m, ctx) => {
          billing.push({
            id: m.orderId,
            replay: ctx.headers[Header.replay],
            ceId: ctx.id,
            customer: ctx.tokens.customerId,
          });
          if (broken) throw cancelled(m.orderId);
        },
        { durable: "billing" },
      ),
      await bus.subscribe(Placed, (m) => void shipping.push(m.orderId), { durable: "shipping" }),
    ];
    const sent = await bus.publish(Placed, order(1));
    await eventually(
      async () => (await hospital.list({ consumer: "billing" })).length === 1,
      "dead letter",
    );
    expect(shipping).toEqual(["o-1"]);
    const [dead] = await hospital.list({ consumer: "billing", type: "OrderPlaced" });
    const seq = dead?.seq ?? 0;

    broken = false; // the fix is deployed
    const { replaySeq } = await hospital.replay(seq, { by: "alice", reason: "fixed in #42" });
    await eventually(() => billing.length === 2, "replay handled by billing");
    expect(billing[1]).toEqual({ id: "o-1", replay: String(seq), ceId: sent.id, customer: "c-1" });

    const jsm = await bus.manager();
    await eventually(async () => {
      const info = await jsm.consumers.info(settings.replayStream, "REPLAY_billing");
      return info.num_ack_pending === 0 && info.delivered.stream_seq === replaySeq;
    }, "replay acked by billing");
    // Shipping was not called again, and nothing was ever addressed to it.
    expect(shipping).toEqual(["o-1"]);
    const shippingReplays = await jsm.consumers.info(settings.replayStream, "REPLAY_shipping");
    expect(shippingReplays.delivered.stream_seq).toBe(0);
    expect(shippingReplays.num_pending).toBe(0);
    expect((await jsm.consumers.info("REPLAY", "shipping")).delivered.consumer_seq).toBe(1);

    expect(await hospital.list({ consumer: "billing" })).toEqual([]);
    const audit = (await hospital.audit("replay")).filter((a) => a.seq === seq);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "replay",
      by: "alice",
      reason: "fixed in #42",
      consumer: "billing",
      replaySeq,
    });
    for (const s of subs) await s.stop();
  });

  it("a replay that fails again becomes a new dead letter", async () => {
    const Placed = orderPlacedEvent("REFAIL", "refail.orders");
    await bus.ensureStreams([Placed]);
    let calls = 0;
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        calls++;
        throw cancelled(m.orderId);
      },
      { durable: "refail" },
    );
    const sent = await bus.publish(Placed, order(2));
    await eventually(
      async () => (await hospital.list({ consumer: "refail" })).length === 1,
      "first dead letter",
    );
    const [first] = await hospital.list({ consumer: "refail" });
    const { replaySeq } = await hospital.replay(first?.seq ?? 0, { by: "bob" });
    await eventually(
      async () => (await hospital.list({ consumer: "refail" })).length === 1 && calls === 2,
      "second dead letter",
    );
    const [second] = await hospital.list({ consumer: "refail" });
    expect(second?.seq).not.toBe(first?.seq);
    expect(second?.replaySeq).toBe(replaySeq);
    expect(second?.streamSequence).toBe(sent.seq);
    expect(second?.headers[Header.replay]).toBe(String(first?.seq));
    expect(second?.id).toBe(sent.id);
    await sub.stop();
  });
});

describe("show, list and discard", () => {
  it("shows a dead letter decoded with the contract, sensitive fields redacted", async () => {
    const Placed = sensitivePlaced("SHOW", "show.orders");
    await bus.ensureStreams([Placed]);
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        throw cancelled(m.orderId);
      },
      { durable: "show" },
    );
    await bus.publish(Placed, order(3, { note: "call me on +44 7700 900123" }));
    await eventually(
      async () => (await hospital.list({ consumer: "show" })).length === 1,
      "dead letter",
    );
    const [dead] = await hospital.list({ consumer: "show", error: "cancelled" });
    const shown = await hospital.show(dead?.seq ?? 0);
    expect(shown.decoded?.value).toEqual({ ...order(3), note: REDACTED });
    expect(shown.decoded?.redacted).toEqual(["note"]);
    expect(JSON.stringify(shown.decoded)).not.toContain("7700");
    expect(await hospital.list({ consumer: "show", type: "OrderShipped" })).toEqual([]);
    expect(await hospital.list({ consumer: "show", error: "UNAVAILABLE" })).toEqual([]);
    await sub.stop();
  });

  it("discards only with a reason, and keeps who, when, why and the message in the audit log", async () => {
    const Placed = orderPlacedEvent("DISCARD", "discard.orders");
    await bus.ensureStreams([Placed]);
    const sub = await bus.subscribe(
      Placed,
      (m) => {
        throw cancelled(m.orderId);
      },
      { durable: "discard" },
    );
    await bus.publish(Placed, order(4));
    await eventually(
      async () => (await hospital.list({ consumer: "discard" })).length === 1,
      "dead letter",
    );
    const [dead] = await hospital.list({ consumer: "discard" });
    const seq = dead?.seq ?? 0;
    const refused = await hospital
      .discard(seq, { by: "carol", reason: " " })
      .catch((e: unknown) => e);
    expect(isContractError(refused) && refused.code).toBe(Code.INVALID_ARGUMENT);
    expect(await hospital.list({ consumer: "discard" })).toHaveLength(1);

    await hospital.discard(seq, { by: "carol", reason: "test order, never real" });
    expect(await hospital.list({ consumer: "discard" })).toEqual([]);
    const gone = await hospital.get(seq).catch((e: unknown) => e);
    expect(isContractError(gone) && gone.code).toBe(Code.NOT_FOUND);
    const [entry] = (await hospital.audit("discard")).filter((a) => a.seq === seq);
    expect(entry).toMatchObject({
      action: "discard",
      by: "carol",
      reason: "test order, never real",
      stream: "DISCARD",
    });
    expect(Number.isNaN(Date.parse(entry?.at ?? ""))).toBe(false);
    expect(OrderPlacedCodec.decode(Buffer.from(entry?.data ?? "", "base64"))).toEqual(order(4));
    await sub.stop();
  });
});

describe("redact", () => {
  it("follows nested paths, lists and maps", () => {
    const value = {
      a: { email: "x@y" },
      items: [{ email: "1" }, { email: "2" }],
      byId: { k: { email: "3" } },
      keep: 1,
    };
    const out = redact(value, ["a.email", "items[*].email", "byId[*].email", "missing"]);
    expect(out.value).toEqual({
      a: { email: REDACTED },
      items: [{ email: REDACTED }, { email: REDACTED }],
      byId: { k: { email: REDACTED } },
      keep: 1,
    });
    expect(out.redacted).toEqual(["a.email", "items[*].email", "byId[*].email"]);
    expect(value.a.email).toBe("x@y");
  });
});
