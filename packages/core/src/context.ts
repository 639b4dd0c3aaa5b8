import { AsyncLocalStorage } from "node:async_hooks";
import { uuidv7 } from "./ids.js";

/**
 * What a call or message handler knows about the work it is part of. It is carried with
 * AsyncLocalStorage, so a call made or an event published inside a handler inherits the
 * correlation id, the trace and what remains of the deadline without passing anything.
 */
export interface CallContext {
  /** Shared by every request and event of one business flow. */
  readonly correlationId: string;
  /** The `ce-id` (or request id) of the message that caused the current work. */
  readonly causationId?: string;
  /** W3C trace context of the current span. */
  readonly traceparent?: string;
  readonly tracestate?: string;
  /** Absolute deadline, epoch milliseconds (local clock). */
  readonly deadline?: number;
  /** Fires when the current work is cancelled or its deadline passes. */
  readonly signal?: AbortSignal;
  /** The caller's idempotency key, for handlers that de-duplicate retried calls. */
  readonly idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<CallContext>();

/** The context of the handler this code runs in, if any. */
export function currentContext(): CallContext | undefined {
  return storage.getStore();
}

/** Runs `fn` with `ctx` as the current context. */
export function runWithContext<T>(ctx: CallContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * Runs `fn` in a context derived from the current one: `patch` overrides fields, and a
 * deadline can only shrink (a nested call never gets more time than its parent has).
 */
export function withContext<T>(patch: Partial<CallContext>, fn: () => T): T {
  const parent = storage.getStore();
  const deadline = minDeadline(parent?.deadline, patch.deadline);
  const ctx: CallContext = {
    ...parent,
    ...stripUndefined(patch),
    correlationId: patch.correlationId ?? parent?.correlationId ?? uuidv7(),
    ...(deadline === undefined ? {} : { deadline }),
  };
  return storage.run(ctx, fn);
}

/** The correlation id of the current context, or a new one. */
export function correlationIdOrNew(): string {
  return storage.getStore()?.correlationId ?? uuidv7();
}

/** Milliseconds left before `deadline` (or the current context's); undefined when none. */
export function remainingMs(
  deadline: number | undefined = storage.getStore()?.deadline,
): number | undefined {
  return deadline === undefined ? undefined : Math.max(0, deadline - Date.now());
}

/** The earlier of two optional deadlines. */
export function minDeadline(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * An AbortSignal that fires at `deadline` and whenever `parent` fires, with the reason
 * of whichever came first (a `TimeoutError` DOMException for the deadline).
 */
export function deadlineSignal(
  deadline: number | undefined,
  parent?: AbortSignal,
): AbortSignal | undefined {
  const signals: AbortSignal[] = [];
  if (parent) signals.push(parent);
  if (deadline !== undefined) signals.push(AbortSignal.timeout(Math.max(0, deadline - Date.now())));
  if (signals.length === 0) return undefined;
  return signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
