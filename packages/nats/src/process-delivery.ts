import {
  type CallContext,
  Code,
  ContractError,
  contextFromEnvelope,
  type EventDefinition,
  formatViolations,
  readEnvelope,
  runWithContext,
  validate,
} from "@contractkit/core";
import { backoffDelay } from "./backoff.js";
import type { BusRuntime } from "./bus-runtime.js";
import type { DeliveryFailure, EventContext, EventHandler, FailureKind } from "./delivery.js";
import type { SubscribeOptions } from "./subscription-options.js";
import { bump } from "./telemetry.js";

/** One received message, whatever the transport. */
export interface RawDelivery {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  deliveryCount: number;
  stream?: string;
  streamSequence?: number;
  consumer?: string;
  /** JetStream: the consumer's `max_deliver` (-1 unlimited); core NATS: 1. */
  maxDeliver: number;
  ackWaitMs: number | undefined;
}

/** How the outcome is reported back; core NATS has nothing to report. */
export interface DeliveryControls {
  ack(): void;
  nak(delayMs: number): void;
  term(reason: string): void;
  working(): void;
}

/**
 * Decodes, validates and hands one message to the handler inside its call context, then
 * acks, naks with the backoff delay, or passes a message that can never succeed to the
 * dead-letter step and terms it once that step has stored it.
 */
export async function processDelivery<T, K extends string>(
  rt: BusRuntime,
  event: EventDefinition<T, K>,
  handler: EventHandler<T, K>,
  options: SubscribeOptions<K>,
  raw: RawDelivery,
  controls: DeliveryControls,
): Promise<void> {
  bump(rt.counters, rt.telemetry, "delivered");
  if (raw.deliveryCount > 1) bump(rt.counters, rt.telemetry, "redelivered");
  const envelope = readEnvelope((name) => raw.headers[name]);
  const span = rt.telemetry.consumer(
    raw.subject,
    event.typeName,
    envelope.traceparent,
    raw.consumer ?? raw.subject,
  );

  const fail = async (kind: FailureKind, error: ContractError) => {
    const last = raw.maxDeliver > 0 && raw.deliveryCount >= raw.maxDeliver;
    const final = kind !== "handler" || !error.retryable || last;
    const failure: DeliveryFailure = {
      kind,
      final,
      error,
      event: event as EventDefinition<unknown>,
      subject: raw.subject,
      data: raw.data,
      headers: raw.headers,
      deliveryCount: raw.deliveryCount,
      ...(raw.stream === undefined ? {} : { stream: raw.stream }),
      ...(raw.streamSequence === undefined ? {} : { streamSequence: raw.streamSequence }),
      ...(raw.consumer === undefined ? {} : { consumer: raw.consumer }),
      at: new Date(),
    };
    if (kind !== "handler") bump(rt.counters, rt.telemetry, "invalid");
    options.onError?.(failure);
    // Core NATS: at most once; there is nothing to redeliver from.
    if (raw.stream === undefined) return;
    if (final && options.deadLetter) {
      await options.deadLetter(failure);
      controls.term(`${kind}: ${error.message}`.slice(0, 512));
      bump(rt.counters, rt.telemetry, "terminated");
      return;
    }
    controls.nak(backoffDelay(options.backoff, raw.deliveryCount));
    bump(rt.counters, rt.telemetry, "naked");
  };

  let message: T;
  try {
    message = event.codec.decode(raw.data);
  } catch (err) {
    const error = new ContractError(
      Code.INVALID_ARGUMENT,
      `message on ${raw.subject} is not a valid ${event.typeName}: ${(err as Error).message ?? String(err)}`,
      { cause: err },
    );
    span.end(error);
    return fail("decode", error);
  }
  const violations = validate(event, message);
  if (violations.length > 0) {
    const error = new ContractError(
      Code.INVALID_ARGUMENT,
      `event ${event.typeName} on ${raw.subject} breaks its contract: ${formatViolations(violations)}`,
    );
    span.end(error);
    return fail("validation", error);
  }

  // The AbortSignal fires at ackWait; working() tells the server and restarts the clock.
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (raw.ackWaitMs === undefined || raw.ackWaitMs <= 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () =>
        abort.abort(new DOMException(`ack wait of ${raw.ackWaitMs} ms elapsed`, "TimeoutError")),
      raw.ackWaitMs,
    );
    timer.unref?.();
  };
  arm();
  if (options.signal) {
    if (options.signal.aborted) abort.abort(options.signal.reason);
    else
      options.signal.addEventListener("abort", () => abort.abort(options.signal?.reason), {
        once: true,
      });
  }
  const base = contextFromEnvelope(envelope, abort.signal);
  const callContext: CallContext = span.traceparent
    ? { ...base, traceparent: span.traceparent }
    : base;
  const ctx: EventContext<K> = {
    subject: raw.subject,
    tokens: event.parseSubject(raw.subject) ?? ({} as Record<K, string>),
    headers: raw.headers,
    envelope,
    id: envelope.id,
    correlationId: callContext.correlationId,
    deliveryCount: raw.deliveryCount,
    ...(raw.stream === undefined ? {} : { stream: raw.stream }),
    ...(raw.streamSequence === undefined ? {} : { streamSequence: raw.streamSequence }),
    ...(raw.consumer === undefined ? {} : { consumer: raw.consumer }),
    signal: abort.signal,
    working() {
      controls.working();
      arm();
    },
  };
  try {
    await runWithContext(callContext, () => handler(message, ctx));
  } catch (err) {
    const error = ContractError.from(err);
    span.end(error);
    return fail("handler", error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  controls.ack();
  if (raw.stream !== undefined) bump(rt.counters, rt.telemetry, "acked");
  span.end();
}
