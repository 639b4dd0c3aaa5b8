import type { ContractError } from "@contractkit/core";

/** What `send` takes and returns, and what becomes of a long-running request. */
export interface SendOptions {
  /** Time until the request is reported as timed out (default the method's `timeout_ms`, else 1 h). */
  timeoutMs?: number;
  /** Kept with the pending request and handed back with its outcome. */
  context?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface SentRequest {
  /** The request's `ce-id`: what the answer is matched by. */
  readonly requestId: string;
  readonly correlationId: string;
  readonly deadline: Date;
}

export interface OutcomeBase {
  readonly requestId: string;
  readonly correlationId: string;
  /** The method's ts-proto name. */
  readonly method: string;
  readonly context: Readonly<Record<string, string>>;
  readonly sentAt: Date;
  readonly deadline: Date;
}

/** What became of a long-running request: its answer, the error it failed with, or no answer in time. */
export type LongRunningOutcome<O> = OutcomeBase &
  (
    | { readonly kind: "response"; readonly response: O }
    | { readonly kind: "error"; readonly error: ContractError }
    | { readonly kind: "timeout"; readonly error: ContractError }
  );

export type OutcomeHandler<O> = (outcome: LongRunningOutcome<O>) => Promise<void> | void;

export interface LongRunningListener {
  stop(): Promise<void>;
}
