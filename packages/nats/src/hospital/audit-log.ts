import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { DeadLetter } from "../dead-letter/dead-letter-record.js";
import type { DeadLetterSettings } from "../dead-letter/dead-letter-settings.js";
import { readStream } from "./stream-reader.js";

/**
 * One entry of the hospital's audit log (stream `CK_HOSPITAL_AUDIT`, subject
 * `ck.hospital.audit.<action>`): who did what to which dead letter, when and why. A
 * discarded dead letter's bytes and headers are kept in its entry, so nothing is
 * thrown away without a trace.
 */
export interface AuditRecord {
  readonly action: "replay" | "discard";
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  /** The dead letter's sequence in the dead-letter stream. */
  readonly seq: number;
  readonly type: string;
  readonly id: string;
  readonly stream: string;
  readonly streamSequence: number;
  readonly consumer: string;
  readonly kind: string;
  readonly code: string;
  readonly error: string;
  readonly subject: string;
  readonly failedAt: string;
  /** Replays: the sequence in the replay stream. */
  readonly replaySeq?: number;
  /** The original headers and bytes (base64). */
  readonly headers: Readonly<Record<string, string>>;
  readonly data: string;
}

export function auditRecordOf(
  dl: DeadLetter,
  action: AuditRecord["action"],
  by: string,
  reason: string,
  replaySeq?: number,
): AuditRecord {
  return {
    action,
    by,
    at: new Date().toISOString(),
    reason,
    seq: dl.seq,
    type: dl.type,
    id: dl.id,
    stream: dl.stream,
    streamSequence: dl.streamSequence,
    consumer: dl.consumer,
    kind: dl.kind,
    code: dl.codeName,
    error: dl.error,
    subject: dl.subject,
    failedAt: dl.failedAt.toISOString(),
    ...(replaySeq === undefined ? {} : { replaySeq }),
    headers: dl.headers,
    data: Buffer.from(dl.data).toString("base64"),
  };
}

/** Appends an entry; resolves once the audit stream stored it. */
export async function writeAudit(
  js: JetStreamClient,
  s: DeadLetterSettings,
  record: AuditRecord,
): Promise<void> {
  await js.publish(`${s.auditSubjectPrefix}.${record.action}`, JSON.stringify(record), {
    msgID: `audit:${record.action}:${s.stream}:${record.seq}`,
    timeout: 5000,
  });
}

/** The audit log, oldest first. */
export async function readAudit(
  js: JetStreamClient,
  jsm: JetStreamManager,
  s: DeadLetterSettings,
  action?: AuditRecord["action"],
): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  const filter = `${s.auditSubjectPrefix}.${action ?? "*"}`;
  for await (const m of readStream(js, jsm, s.auditStream, filter)) {
    out.push(m.msg.json<AuditRecord>());
  }
  return out;
}
