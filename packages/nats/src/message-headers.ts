import { type MsgHdrs, headers as natsHeaders } from "@nats-io/nats-core";

/** A record of header values as a NATS header block. */
export function toMsgHdrs(record: Readonly<Record<string, string>>): MsgHdrs {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(record)) h.set(k, v);
  return h;
}

/** A NATS header block as a record (the first value of each name). */
export function fromMsgHdrs(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}

/** Bytes the header block takes on the wire (counted against `max_payload`). */
export function headerSize(h: MsgHdrs): number {
  const enc = (h as { encode?: () => Uint8Array }).encode;
  return typeof enc === "function" ? enc.call(h).length : 0;
}
