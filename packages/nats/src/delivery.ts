import type { ContractError, Envelope, EventDefinition } from "@contractkit/core";

/** What a handler receives besides the message. */
export interface EventContext<K extends string = string> {
  /** The concrete subject the event arrived on. */
  readonly subject: string;
  /** Subject token values by ts-proto key (`{ customerId: "c-1" }`). */
  readonly tokens: Readonly<Record<K, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly envelope: Envelope;
  /** The event's `ce-id`. */
  readonly id: string;
  readonly correlationId: string;
  /** 1 on first delivery. Always 1 for core NATS. */
  readonly deliveryCount: number;
  /** JetStream only. */
  readonly stream?: string;
  readonly streamSequence?: number;
  readonly consumer?: string;
  /** Fires when `ackWait` elapses without `working()`: the server will redeliver. */
  readonly signal: AbortSignal;
  /** Tells the server the handler is still busy: resets `ackWait` (and the signal). */
  working(): void;
}

export type EventHandler<T, K extends string = string> = (
  message: T,
  ctx: EventContext<K>,
) => Promise<void> | void;

/** Why a delivery failed. */
export type FailureKind = "handler" | "decode" | "validation";

/**
 * A delivery that failed, as the dead-letter step sees it. `final` is true when retrying
 * cannot help: a non-retryable code, a decode or validation failure, or the last
 * allowed delivery.
 */
export interface DeliveryFailure {
  readonly kind: FailureKind;
  readonly final: boolean;
  readonly error: ContractError;
  readonly event: EventDefinition<unknown>;
  readonly subject: string;
  /** The original bytes and headers, as received. */
  readonly data: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  readonly deliveryCount: number;
  readonly stream?: string;
  readonly streamSequence?: number;
  readonly consumer?: string;
  /** When it failed. */
  readonly at: Date;
}

/**
 * Takes a message that can never succeed. It must store it durably before resolving:
 * the subscriber `term`s the original only after it resolves, so a crash in between
 * leaves the message in the stream, never lost. (The dead-letter stream implements it.)
 */
export type DeadLetterSink = (failure: DeliveryFailure) => Promise<void>;
