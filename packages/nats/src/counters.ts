/**
 * Counters a bus keeps for its lifetime. `bus.counters()` returns a snapshot; when
 * `@opentelemetry/api` is installed the same numbers are also recorded as OpenTelemetry
 * counters (`contractkit.nats.<name>`).
 */
export interface BusCounters {
  /** Events sent (a stream-backed event counts once, when the stream acked it). */
  published: number;
  /** Extra attempts of a JetStream publish (same `Nats-Msg-Id`). */
  publishRetries: number;
  /** Messages handed to a subscriber (before decoding). */
  delivered: number;
  /** Deliveries with a delivery count above 1. */
  redelivered: number;
  acked: number;
  /** Negative acks (the message is redelivered after the backoff delay). */
  naked: number;
  /** Messages terminated after the dead-letter step took them. */
  terminated: number;
  /** Deliveries that failed to decode or validate. */
  invalid: number;
}

export type CounterName = keyof BusCounters;

export function emptyCounters(): BusCounters {
  return {
    published: 0,
    publishRetries: 0,
    delivered: 0,
    redelivered: 0,
    acked: 0,
    naked: 0,
    terminated: 0,
    invalid: 0,
  };
}
