import type { TokenValues } from "@contractkit/core";
import type { Backoff } from "./backoff.js";
import type { DeadLetterSink, DeliveryFailure } from "./delivery.js";

export interface SubscribeOptions<K extends string = string> {
  /**
   * Stream-backed events: the durable consumer name; instances that use the same name
   * compete for messages. Give this or `service`.
   */
  durable?: string;
  /** Derives the durable name from the consuming service (`durableName(service, event)`), as `contractkit nats apply` does. */
  service?: string;
  /** Only these token values (`{ customerId: "c-1" }`), or a raw subject filter. Default: every subject of the event. */
  filter?: TokenValues<K> | string;
  /** Core NATS events: a queue group; members share the messages. */
  queue?: string;
  /** Handlers running at once (default 1: in order). */
  concurrency?: number;
  /** Redelivery delays after a thrown error (default 1 s doubling to 60 s). */
  backoff?: Backoff;
  /** Consumer `ack_wait` when the subscriber creates the consumer (default 30 s). */
  ackWaitMs?: number;
  /** Consumer `max_deliver` when the subscriber creates the consumer (default 10; -1 unlimited). */
  maxDeliver?: number;
  /** Consumer `max_ack_pending` when the subscriber creates the consumer (default 1000). */
  maxAckPending?: number;
  /**
   * Create the durable consumer if it is missing (default true). Set false where the
   * service has no rights to create consumers: `contractkit nats apply` made them.
   */
  createConsumer?: boolean;
  /** Takes messages that can never succeed (see DeadLetterSink). Without it they are nak'ed until `maxDeliver`. */
  deadLetter?: DeadLetterSink;
  /** Called on every failed delivery (logging). */
  onError?: (failure: DeliveryFailure) => void;
  /** Stops the subscription when it fires. */
  signal?: AbortSignal;
}

export interface Subscription extends AsyncDisposable {
  /** The subscription subject (with wildcards). */
  readonly subject: string;
  /** Stream-backed events: the stream and the durable consumer. */
  readonly stream?: string;
  readonly consumer?: string;
  /** Stops taking messages and waits for running handlers. */
  stop(): Promise<void>;
  /** Resolves when the subscription has stopped (rejects if it failed). */
  readonly closed: Promise<void>;
}
