import {
  badRequest,
  Code,
  ContractError,
  createEnvelope,
  currentContext,
  type EventDefinition,
  formatViolations,
  Header,
  minDeadline,
  validate,
} from "@contractkit/core";
import type { MsgHdrs } from "@nats-io/nats-core";
import type { BusRuntime } from "./bus-runtime.js";
import { headerSize, toMsgHdrs } from "./message-headers.js";
import { isNotFound, messageOf } from "./nats-errors.js";
import { bump } from "./telemetry.js";

export interface PublishOptions {
  /**
   * The event's `ce-id`. Pass the id of an earlier attempt to re-send the same event:
   * JetStream drops the copy (same `Nats-Msg-Id`). Default: a new UUIDv7.
   */
  id?: string;
  /** Extra headers (the envelope's names win). */
  headers?: Record<string, string>;
  /** Total time to keep retrying a JetStream publish; default the bus's `publishTimeoutMs`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface PublishResult {
  readonly subject: string;
  /** The `ce-id` (and `Nats-Msg-Id`). */
  readonly id: string;
  /** Stream-backed events: the stream and sequence that stored it. */
  readonly stream?: string;
  readonly seq?: number;
  /** True when the stream had already stored this id (a retried publish). */
  readonly duplicate?: boolean;
}

/** Stream `max_msg_size`, looked up once per stream (-1 when unknown or unlimited). */
export type StreamLimitCache = Map<string, Promise<number>>;

/**
 * Validates, encodes and sends one event. Stream-backed events wait for the stream's ack
 * and retry with the same `Nats-Msg-Id` until acked or the deadline passes; other
 * events are a core publish.
 */
export async function publishEvent<T>(
  rt: BusRuntime,
  limits: StreamLimitCache,
  event: EventDefinition<T>,
  message: T,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const violations = validate(event, message);
  if (violations.length > 0) {
    throw new ContractError(
      Code.INVALID_ARGUMENT,
      `event ${event.typeName} not published, it breaks its contract: ${formatViolations(violations)}`,
      {
        details: [
          badRequest(
            violations.map((v) => ({ field: v.path, description: v.message, reason: v.rule })),
          ),
        ],
      },
    );
  }
  const subject = event.subject(message);
  const data = event.codec.encode(message);
  const ctx = currentContext();
  const envelope = createEnvelope({
    type: event.typeName,
    source: rt.source,
    ...(options.id === undefined ? {} : { id: options.id }),
    context: ctx,
  });
  const id = envelope[Header.id] as string;
  const span = rt.telemetry.producer(subject, event.typeName, ctx?.traceparent);
  if (span.traceparent) envelope[Header.traceparent] = span.traceparent;
  const hdrs = toMsgHdrs({ ...options.headers, ...envelope });
  try {
    await checkSize(rt, limits, event, data, hdrs);
    if (!event.stream) {
      rt.nc.publish(subject, data, { headers: hdrs });
      bump(rt.counters, rt.telemetry, "published");
      span.end();
      return { subject, id };
    }
    const result = await publishToStream(rt, event, subject, data, hdrs, id, options);
    bump(rt.counters, rt.telemetry, "published");
    span.end();
    return result;
  } catch (err) {
    span.end(err);
    throw err;
  }
}

async function checkSize<T>(
  rt: BusRuntime,
  limits: StreamLimitCache,
  event: EventDefinition<T>,
  data: Uint8Array,
  hdrs: MsgHdrs,
): Promise<void> {
  const total = data.length + headerSize(hdrs);
  const maxPayload = rt.nc.info?.max_payload ?? -1;
  if (maxPayload > 0 && total > maxPayload) {
    throw new ContractError(
      Code.INVALID_ARGUMENT,
      `event ${event.typeName} is ${total} bytes (payload ${data.length} + headers ${total - data.length}), over the server's max_payload of ${maxPayload} bytes: send an id and let consumers fetch the details, or raise max_payload on the server`,
      {
        details: [
          badRequest([
            {
              field: "",
              description: `message of ${total} bytes exceeds max_payload ${maxPayload}`,
              reason: "size.max_payload",
            },
          ]),
        ],
      },
    );
  }
  if (!event.stream) return;
  let limit = limits.get(event.stream);
  if (!limit) {
    const stream = event.stream;
    limit = rt
      .jsm()
      .then((jsm) => jsm.streams.info(stream))
      .then(
        (info) => info.config.max_msg_size ?? -1,
        (err: unknown) => {
          // Not found: the publish will say so. No permission to read stream info:
          // the server still enforces the limit.
          limits.delete(stream);
          if (isNotFound(err)) return -1;
          return -1;
        },
      );
    limits.set(event.stream, limit);
  }
  const maxMsgSize = await limit;
  if (maxMsgSize > 0 && total > maxMsgSize) {
    throw new ContractError(
      Code.INVALID_ARGUMENT,
      `event ${event.typeName} is ${total} bytes (payload ${data.length} + headers ${total - data.length}), over stream ${event.stream}'s max_msg_size of ${maxMsgSize} bytes (server max_payload ${maxPayload}): make the event smaller or raise maxMsgSize for the stream in contractkit.yaml`,
      {
        details: [
          badRequest([
            {
              field: "",
              description: `message of ${total} bytes exceeds max_msg_size ${maxMsgSize}`,
              reason: "size.max_msg_size",
            },
          ]),
        ],
      },
    );
  }
}

/**
 * Errors after which the same publish may succeed later: no ack in time, nobody
 * answering (a restarting server), or JetStream unavailable while a cluster elects a
 * leader ("jetstream is not enabled" is what a node says then).
 */
function isTransient(err: unknown): boolean {
  const e = err as { name?: string; message?: string; code?: unknown; status?: unknown };
  const name = e?.name ?? "";
  if (["TimeoutError", "NoRespondersError", "RequestError", "JetStreamNotEnabled"].includes(name))
    return true;
  if (name === "ClosedConnectionError" || name === "DrainingConnectionError") return false;
  if (e?.code === 503 || e?.status === 503) return true;
  return /timeout|timed out|no responders|503|disconnect|not enabled|temporarily|no suitable peers|leader/i.test(
    String(e?.message ?? ""),
  );
}

async function publishToStream<T>(
  rt: BusRuntime,
  event: EventDefinition<T>,
  subject: string,
  data: Uint8Array,
  hdrs: MsgHdrs,
  id: string,
  options: PublishOptions,
): Promise<PublishResult> {
  const started = Date.now();
  const deadline = minDeadline(
    currentContext()?.deadline,
    started + (options.timeoutMs ?? rt.publishTimeoutMs),
  ) as number;
  let attempts = 0;
  let lastError: unknown;
  while (true) {
    if (options.signal?.aborted) throw ContractError.from(options.signal.reason, Code.CANCELLED);
    if (rt.nc.isClosed()) {
      throw new ContractError(
        Code.UNAVAILABLE,
        `event ${event.typeName} (ce-id ${id}) not published: the connection is closed`,
      );
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    attempts++;
    if (attempts > 1) bump(rt.counters, rt.telemetry, "publishRetries");
    try {
      const ack = await rt.js.publish(subject, data, {
        msgID: id,
        headers: hdrs,
        timeout: Math.max(1, Math.min(rt.publishAttemptTimeoutMs, left)),
        retries: 0,
      });
      return { subject, id, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      lastError = err;
      if (!isTransient(err)) {
        throw new ContractError(
          Code.FAILED_PRECONDITION,
          `event ${event.typeName} on ${subject} was refused by JetStream: ${messageOf(err)}${/no stream|not found/i.test(messageOf(err)) ? ` (is stream ${event.stream} provisioned? run \`contractkit nats apply\`)` : ""}`,
          { cause: err },
        );
      }
      // Back off a little (the server may be restarting or electing a leader).
      const wait = Math.min(
        1000,
        50 * 2 ** Math.min(attempts, 5),
        Math.max(0, deadline - Date.now()),
      );
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  throw new ContractError(
    Code.DEADLINE_EXCEEDED,
    `event ${event.typeName} (ce-id ${id}) was not acked by stream ${event.stream} within ${Date.now() - started} ms after ${attempts} attempt(s): ${messageOf(lastError)}${/no responders/i.test(messageOf(lastError)) ? ` (no stream captures ${subject}? run \`contractkit nats apply\`)` : ""}. Publishing again with { id: "${id}" } cannot create a duplicate`,
    { cause: lastError },
  );
}
