import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { defineEvent } from "@contractkit/core";
import * as z from "zod";

/** ts-proto-shaped message types and codecs, as the generator emits them. */
export const Region = { REGION_UNSPECIFIED: 0, REGION_EU: 1, REGION_US: 2 } as const;

export interface OrderPlaced {
  orderId: string;
  customerId: string;
  region: number;
  amountCents: number;
  note: string;
}

export const OrderPlacedCodec = {
  encode(m: OrderPlaced): Uint8Array {
    const w = new BinaryWriter();
    if (m.orderId !== "") w.uint32(10).string(m.orderId);
    if (m.customerId !== "") w.uint32(18).string(m.customerId);
    if (m.region !== 0) w.uint32(24).int32(m.region);
    if (m.amountCents !== 0) w.uint32(32).int32(m.amountCents);
    if (m.note !== "") w.uint32(42).string(m.note);
    return w.finish();
  },
  decode(bytes: Uint8Array): OrderPlaced {
    const r = new BinaryReader(bytes);
    const m: OrderPlaced = { orderId: "", customerId: "", region: 0, amountCents: 0, note: "" };
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          m.orderId = r.string();
          break;
        case 2:
          m.customerId = r.string();
          break;
        case 3:
          m.region = r.int32();
          break;
        case 4:
          m.amountCents = r.int32();
          break;
        case 5:
          m.note = r.string();
          break;
        default:
          r.skip(tag & 7);
      }
    }
    return m;
  },
};

const orderSchema = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  region: z.number().int(),
  amountCents: z.number().int().gt(0),
  note: z.string(),
}) as z.ZodType<OrderPlaced>;

/** A stream-backed event. */
export function orderPlacedEvent(stream = "ORDERS", prefix = "test.orders") {
  return defineEvent<OrderPlaced, "customerId" | "region">({
    typeName: "test.orders.v1.OrderPlaced",
    subjectTemplate: `${prefix}.{customer_id}.{region}.placed`,
    stream,
    tokens: [
      { field: "customer_id", key: "customerId", kind: "string" },
      {
        field: "region",
        key: "region",
        kind: "enum",
        enumNames: { 0: "REGION_UNSPECIFIED", 1: "REGION_EU", 2: "REGION_US" },
      },
    ],
    codec: OrderPlacedCodec,
    schema: orderSchema,
    sensitiveFields: [],
  });
}

/** The same message as a core NATS (fire-and-forget) event. */
export function orderSeenEvent(prefix = "test.seen") {
  return defineEvent<OrderPlaced, "customerId">({
    typeName: "test.orders.v1.OrderSeen",
    subjectTemplate: `${prefix}.{customer_id}`,
    tokens: [{ field: "customer_id", key: "customerId", kind: "string" }],
    codec: OrderPlacedCodec,
    schema: orderSchema,
    sensitiveFields: [],
  });
}

export function order(n: number, patch: Partial<OrderPlaced> = {}): OrderPlaced {
  return {
    orderId: `o-${n}`,
    customerId: `c-${n % 3}`,
    region: Region.REGION_EU,
    amountCents: 100 + n,
    note: "",
    ...patch,
  };
}

/** Resolves when `predicate` holds, polling; rejects with `what` after `timeoutMs`. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
