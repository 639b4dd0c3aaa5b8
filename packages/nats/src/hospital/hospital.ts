import { Code, ContractError, Header } from "@contractkit/core";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import {
  type DeadLetter,
  originalHeaders,
  parseDeadLetter,
  ReplayHeader,
} from "../dead-letter/dead-letter-record.js";
import {
  type DeadLetterSettingsInput,
  replaySubject,
  resolveDeadLetterSettings,
} from "../dead-letter/dead-letter-settings.js";
import { fromMsgHdrs, toMsgHdrs } from "../message-headers.js";
import { isNotFound, messageOf } from "../nats-errors.js";
import { type AuditRecord, auditRecordOf, readAudit, writeAudit } from "./audit-log.js";
import type { DecodedMessage, MessageDecoder } from "./message-decoder.js";
import { readStream } from "./stream-reader.js";

/** Which dead letters to list. Every criterion given must match. */
export interface DeadLetterFilter {
  /** Event type: the full name, or the last part (`OrderPlaced`). */
  type?: string;
  /** The durable consumer that failed. */
  consumer?: string;
  /** The stream the original came from. */
  stream?: string;
  /** Error: a code name (`FAILED_PRECONDITION`), a kind (`decode`, `max-deliveries`), or text in the message. */
  error?: string;
  limit?: number;
}

export interface ShownDeadLetter {
  readonly deadLetter: DeadLetter;
  /** Decoded with the contract, sensitive fields redacted; absent when the type is unknown or the bytes do not decode. */
  readonly decoded?: DecodedMessage;
  readonly decodeError?: string;
}

export interface HospitalActionOptions {
  /** Who does it (recorded in the audit log). */
  by: string;
  /** Why (required to discard). */
  reason?: string;
}

export interface Hospital {
  list(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  /** One dead letter; NOT_FOUND when there is none with that sequence. */
  get(seq: number): Promise<DeadLetter>;
  show(seq: number): Promise<ShownDeadLetter>;
  /**
   * Delivers the original again to the consumer that failed, and to no other: it goes
   * to that consumer's replay subject, which only its subscription reads. The `ce-id` is
   * kept and `ck-replay` names the dead letter. The dead letter is then removed and the
   * replay recorded in the audit log.
   */
  replay(seq: number, options: HospitalActionOptions): Promise<{ replaySeq: number }>;
  /** Removes a dead letter; the audit log keeps who, when, why and the message itself. */
  discard(seq: number, options: HospitalActionOptions & { reason: string }): Promise<void>;
  audit(action?: AuditRecord["action"]): Promise<AuditRecord[]>;
}

export interface HospitalOptions extends DeadLetterSettingsInput {
  /** Decodes payloads for `show` (generated definitions or a descriptor set). */
  decoder?: MessageDecoder;
}

/** The message hospital over a connection (a `Bus` or anything with `connection`). */
export async function createHospital(
  bus: { readonly connection: NatsConnection },
  options: HospitalOptions = {},
): Promise<Hospital> {
  const s = resolveDeadLetterSettings(options);
  const js = jetstream(bus.connection);
  const jsm = await jetstreamManager(bus.connection, { checkAPI: false });

  const get = async (seq: number): Promise<DeadLetter> => {
    const stored = await jsm.streams.getMessage(s.stream, { seq }).catch((err: unknown) => {
      if (isNotFound(err) || /no message found/i.test(messageOf(err))) return null;
      throw err;
    });
    if (!stored?.subject.startsWith(`${s.subjectPrefix}.`)) {
      throw new ContractError(Code.NOT_FOUND, `no dead letter ${seq} in stream ${s.stream}`);
    }
    return parseDeadLetter({
      seq: stored.seq,
      time: stored.time,
      headers: fromMsgHdrs(stored.header),
      data: stored.data,
    });
  };

  const remove = async (seq: number) => {
    await jsm.streams.deleteMessage(s.stream, seq, false).catch((err: unknown) => {
      if (isNotFound(err) || /no message found/i.test(messageOf(err))) return false;
      throw err;
    });
  };

  return {
    async list(filter = {}) {
      const subject = `${s.subjectPrefix}.${filter.stream ?? "*"}.${filter.consumer ?? "*"}`;
      const out: DeadLetter[] = [];
      const limit = filter.limit ?? Number.POSITIVE_INFINITY;
      for await (const m of readStream(js, jsm, s.stream, subject)) {
        const dl = parseDeadLetter({
          seq: m.seq,
          time: m.time,
          headers: fromMsgHdrs(m.msg.headers),
          data: m.msg.data,
        });
        if (matches(dl, filter)) out.push(dl);
        if (out.length >= limit) break;
      }
      return out;
    },
    get,
    async show(seq) {
      const dl = await get(seq);
      if (!options.decoder)
        return { deadLetter: dl, decodeError: "no contract given to decode with" };
      try {
        const decoded = options.decoder(dl.type, dl.data);
        return decoded
          ? { deadLetter: dl, decoded }
          : {
              deadLetter: dl,
              decodeError: `type "${dl.type || "(no ce-type)"}" is not in the contract`,
            };
      } catch (err) {
        return { deadLetter: dl, decodeError: `not a valid ${dl.type}: ${messageOf(err)}` };
      }
    },
    async replay(seq, { by, reason = "" }) {
      const dl = await get(seq);
      if (dl.kind === "max-deliveries" && dl.subject === "") {
        throw new ContractError(
          Code.FAILED_PRECONDITION,
          `dead letter ${seq} holds no message (it had left ${dl.stream} before it was moved): nothing to replay; discard it`,
        );
      }
      const headers: Record<string, string> = {
        ...originalHeaders(dl.headers),
        [Header.replay]: String(dl.seq),
        [ReplayHeader.subject]: dl.subject,
        [ReplayHeader.stream]: dl.stream,
        [ReplayHeader.seq]: String(dl.streamSequence),
        [ReplayHeader.consumer]: dl.consumer,
      };
      const ack = await js.publish(replaySubject(s, dl.stream, dl.consumer), dl.data, {
        msgID: `replay:${s.stream}:${dl.seq}`,
        headers: toMsgHdrs(headers),
        timeout: 5000,
      });
      await writeAudit(js, s, auditRecordOf(dl, "replay", by, reason, ack.seq));
      await remove(seq);
      return { replaySeq: ack.seq };
    },
    async discard(seq, { by, reason }) {
      if (!reason.trim()) {
        throw new ContractError(Code.INVALID_ARGUMENT, "discarding a dead letter needs a reason");
      }
      const dl = await get(seq);
      await writeAudit(js, s, auditRecordOf(dl, "discard", by, reason));
      await remove(seq);
    },
    audit: (action) => readAudit(js, jsm, s, action),
  };
}

function matches(dl: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.type && dl.type !== f.type && !dl.type.endsWith(`.${f.type}`)) return false;
  if (f.consumer && dl.consumer !== f.consumer) return false;
  if (f.stream && dl.stream !== f.stream) return false;
  if (f.error) {
    const e = f.error.toLowerCase();
    if (dl.codeName.toLowerCase() !== e && dl.kind !== e && !dl.error.toLowerCase().includes(e))
      return false;
  }
  return true;
}
