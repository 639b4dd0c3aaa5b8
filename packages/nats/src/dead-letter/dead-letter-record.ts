import { type Code, type CodeName, codeName, Header, parseCode } from "@contractkit/core";

/**
 * A dead letter as stored in the dead-letter stream: the original bytes as the payload,
 * the original headers minus every `Nats-*` header, and what went wrong in `ck-dlq-*`
 * headers (so any NATS tool can read it, and the payload stays byte for byte).
 */
export const DeadLetterHeader = {
  subject: "ck-dlq-subject",
  stream: "ck-dlq-stream",
  seq: "ck-dlq-seq",
  consumer: "ck-dlq-consumer",
  deliveries: "ck-dlq-deliveries",
  kind: "ck-dlq-kind",
  code: "ck-dlq-code",
  error: "ck-dlq-error",
  time: "ck-dlq-time",
  /** Set when the failure happened while handling a replay: the replay stream's sequence. */
  replaySeq: "ck-dlq-replay-seq",
} as const;

/** Headers a replay carries to the replay stream (internal; stripped from a new dead letter). */
export const ReplayHeader = {
  subject: "ck-replay-subject",
  stream: "ck-replay-stream",
  seq: "ck-replay-seq",
  consumer: "ck-replay-consumer",
} as const;

/**
 * Why a message was dead-lettered: the handler failed for good, it could not be decoded
 * or validated, or (the backstop) JetStream gave up redelivering it without the handler
 * ever reporting a failure (a crash, out of memory, a hang past ackWait).
 */
export type DeadLetterKind = "handler" | "decode" | "validation" | "max-deliveries";

export interface DeadLetterInput {
  readonly kind: DeadLetterKind;
  readonly code: Code;
  readonly error: string;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly stream: string;
  readonly streamSequence: number;
  readonly consumer: string;
  readonly deliveryCount: number;
  readonly at: Date;
  /** The replay stream's sequence when a replay failed. */
  readonly replaySeq?: number;
}

/** A dead letter read back from the stream. */
export interface DeadLetter {
  /** Its sequence in the dead-letter stream: the id the hospital uses. */
  readonly seq: number;
  /** When the dead-letter stream stored it. */
  readonly storedAt: Date;
  readonly kind: DeadLetterKind;
  readonly code: Code;
  readonly codeName: CodeName;
  readonly error: string;
  /** When it failed. */
  readonly failedAt: Date;
  /** Where it came from. */
  readonly subject: string;
  readonly stream: string;
  readonly streamSequence: number;
  readonly consumer: string;
  readonly deliveryCount: number;
  /** The event type (`ce-type`) and id (`ce-id`), empty when the headers lack them. */
  readonly type: string;
  readonly id: string;
  /** The original headers (no `Nats-*`, no `ck-dlq-*`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The original bytes. */
  readonly data: Uint8Array;
  readonly replaySeq?: number;
}

/** `dlq:<stream>:<seq>:<consumer>`: one dead letter per message and consumer, whoever moves it. */
export function deadLetterMsgId(
  input: Pick<DeadLetterInput, "stream" | "streamSequence" | "consumer" | "replaySeq">,
): string {
  const base = `dlq:${input.stream}:${input.streamSequence}:${input.consumer}`;
  return input.replaySeq === undefined ? base : `${base}:replay:${input.replaySeq}`;
}

/** A header value on one line, bounded (NATS headers are line-based). */
function oneLine(value: string, max = 1024): string {
  const flat = value.replace(/[\r\n]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** True for headers a dead letter or replay never copies from the original. */
function isInternal(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower.startsWith("nats-") ||
    lower.startsWith("ck-dlq-") ||
    Object.values(ReplayHeader).includes(lower as never)
  );
}

/** The original headers without `Nats-*` and the hospital's own headers. */
export function originalHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (!isInternal(k)) out[k] = v;
  return out;
}

/** The headers of the dead letter: the original ones and what went wrong. */
export function deadLetterHeaders(input: DeadLetterInput): Record<string, string> {
  const h = originalHeaders(input.headers);
  h[DeadLetterHeader.subject] = input.subject;
  h[DeadLetterHeader.stream] = input.stream;
  h[DeadLetterHeader.seq] = String(input.streamSequence);
  h[DeadLetterHeader.consumer] = input.consumer;
  h[DeadLetterHeader.deliveries] = String(input.deliveryCount);
  h[DeadLetterHeader.kind] = input.kind;
  h[DeadLetterHeader.code] = codeName(input.code);
  h[DeadLetterHeader.error] = oneLine(input.error) || "(no message)";
  h[DeadLetterHeader.time] = input.at.toISOString();
  if (input.replaySeq !== undefined) h[DeadLetterHeader.replaySeq] = String(input.replaySeq);
  return h;
}

const KINDS: ReadonlySet<string> = new Set(["handler", "decode", "validation", "max-deliveries"]);

/** Reads a stored dead letter back. */
export function parseDeadLetter(stored: {
  seq: number;
  time: Date;
  headers: Readonly<Record<string, string>>;
  data: Uint8Array;
}): DeadLetter {
  const h = stored.headers;
  const get = (name: string) => h[name] ?? "";
  const code = parseCode(get(DeadLetterHeader.code)) ?? (2 as Code);
  const kind = get(DeadLetterHeader.kind);
  const replay = get(DeadLetterHeader.replaySeq);
  const failed = new Date(get(DeadLetterHeader.time));
  return {
    seq: stored.seq,
    storedAt: stored.time,
    kind: (KINDS.has(kind) ? kind : "handler") as DeadLetterKind,
    code,
    codeName: codeName(code),
    error: get(DeadLetterHeader.error),
    failedAt: Number.isNaN(failed.getTime()) ? stored.time : failed,
    subject: get(DeadLetterHeader.subject),
    stream: get(DeadLetterHeader.stream),
    streamSequence: Number(get(DeadLetterHeader.seq)) || 0,
    consumer: get(DeadLetterHeader.consumer),
    deliveryCount: Number(get(DeadLetterHeader.deliveries)) || 0,
    type: get(Header.type),
    id: get(Header.id),
    headers: originalHeaders(h),
    data: stored.data,
    ...(replay === "" ? {} : { replaySeq: Number(replay) }),
  };
}
