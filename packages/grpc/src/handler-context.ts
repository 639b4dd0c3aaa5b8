import {
  badRequest,
  type CallContext,
  Code,
  ContractError,
  contextFromEnvelope,
  deadlineSignal,
  formatViolations,
  type MethodDefinition,
  readEnvelope,
  type Violation,
} from "@contractkit/core";
import type { Metadata } from "@grpc/grpc-js";
import type { ServerSurfaceCall } from "./server-call-storage.js";
import { startSpan } from "./tracing.js";

/** What a handler gets besides its request. */
export interface HandlerContext {
  /** Fires when the client cancels, the deadline passes, or the server is forced to stop. */
  readonly signal: AbortSignal;
  /** Absolute deadline (epoch ms), when the client sent one. */
  readonly deadline: number | undefined;
  /** The incoming metadata. */
  readonly metadata: Metadata;
  /** The method's contract. */
  readonly method: MethodDefinition & { readonly path: string };
  /** The client's address. */
  readonly peer: string;
  /** The call context the handler runs in (also `currentContext()`). */
  readonly call: CallContext;
}

export interface StartedCall {
  readonly handler: HandlerContext;
  /** Aborts the handler's signal (server forced shutdown). */
  abort(reason: ContractError): void;
  /** Ends the server span; the signal no longer fires (late stream events are not cancellations). */
  finish(code: number, message: string): void;
}

/**
 * Builds the handler's context from an incoming call: the envelope from the metadata
 * (correlation id, causation, trace, idempotency key), the deadline from grpc-timeout,
 * and an AbortSignal for cancellation and the deadline.
 */
export function startCall(
  call: ServerSurfaceCall,
  method: MethodDefinition & { path: string },
): StartedCall {
  const metadata = call.metadata;
  const env = readEnvelope((name) => {
    const v = metadata.get(name)[0];
    return typeof v === "string" ? v : undefined;
  });
  const controller = new AbortController();
  let finished = false;
  (call as NodeJS.EventEmitter).on("cancelled", () => {
    if (!finished)
      controller.abort(
        new ContractError(Code.CANCELLED, "the client cancelled the call or its deadline passed"),
      );
  });
  const raw = call.getDeadline();
  const ms = raw instanceof Date ? raw.getTime() : raw;
  const deadline = Number.isFinite(ms) ? ms : undefined;
  const signal = deadlineSignal(deadline, controller.signal) ?? controller.signal;
  const span = startSpan("server", method.path, env.traceparent);
  const ctx: CallContext = {
    ...contextFromEnvelope(
      { ...env, ...(span.traceparent ? { traceparent: span.traceparent } : {}) },
      signal,
    ),
    ...(deadline === undefined ? {} : { deadline }),
  };
  const handler: HandlerContext = {
    signal,
    deadline,
    metadata,
    method,
    peer: call.getPeer(),
    call: ctx,
  };
  return {
    handler,
    abort: (reason) => controller.abort(reason),
    finish: (code, message) => {
      finished = true;
      span.end(code, message);
    },
  };
}

/** The INVALID_ARGUMENT error for violations, with a BadRequest detail. */
export function invalidArgument(what: string, violations: readonly Violation[]): ContractError {
  return new ContractError(Code.INVALID_ARGUMENT, `${what}: ${formatViolations(violations)}`, {
    details: [
      badRequest(
        violations.map((v) => ({ field: v.path, description: v.message, reason: v.rule })),
      ),
    ],
  });
}
