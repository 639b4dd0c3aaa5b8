import {
  createEnvelope,
  currentContext,
  type GrpcServiceTable,
  Header,
  type MethodDefinition,
  minDeadline,
  uuidv7,
} from "@contractkit/core";
import { InterceptingCall, type Interceptor, type Metadata } from "@grpc/grpc-js";
import { currentServerCall } from "./server-call-storage.js";
import { DEFAULT_TIMEOUT_MS } from "./service-config.js";
import { startSpan } from "./tracing.js";

type PathMethod = MethodDefinition & { readonly path: string };

export interface EnvelopeInterceptorOptions {
  /** Contracts of the services called: method timeouts (`timeout_ms`) and `ce-type`. */
  services?: readonly GrpcServiceTable[];
  /** Or a lookup of a method's contract by gRPC path. */
  methodFor?: (path: string) => PathMethod | undefined;
  /** Used when the method has none. Default 5000 ms. */
  defaultTimeoutMs?: number;
  /** `ce-source` of outgoing calls, e.g. the calling service's name. */
  source?: string;
}

/**
 * A grpc-js client interceptor that gives every call a deadline and the envelope.
 *
 * - Deadline: the smallest of the call's own deadline, the method's contract timeout
 *   (or the default), the current context's deadline, and — inside a
 *   gRPC handler — the parent call's deadline, which grpc-js propagates (`parent`).
 *   No call leaves without one.
 * - Metadata: correlation id, causation id, a child `traceparent`, `tracestate`, the
 *   idempotency key and the remaining budget (`ck-budget-ms`), from core's call context
 *   (AsyncLocalStorage), so calls made inside any handler — gRPC or NATS — inherit them.
 *   Metadata the caller set explicitly wins.
 *
 * Usable on its own with ts-proto's generated clients:
 * `new FooServiceClient(address, creds, { interceptors: [createEnvelopeInterceptor({ services: [FooServiceGrpc] })] })`.
 */
export function createEnvelopeInterceptor(options: EnvelopeInterceptorOptions = {}): Interceptor {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const source = options.source ?? "contractkit-grpc";
  const byPath = new Map<string, PathMethod>();
  for (const t of options.services ?? [])
    for (const m of Object.values(t.methods)) byPath.set(m.path, m);
  const methodFor = options.methodFor ?? ((path: string) => byPath.get(path));
  return (callOptions, nextCall) => {
    // Runs synchronously when the call is made, so this is the caller's context.
    const ctx = currentContext();
    const path = callOptions.method_definition.path;
    const own = toEpochMs(callOptions.deadline);
    const method = methodFor(path);
    const fallback = Date.now() + (method?.timeoutMs ?? defaultTimeoutMs);
    const deadline = minDeadline(minDeadline(own, fallback), ctx?.deadline) as number;
    const parent = callOptions.parent ?? currentServerCall();
    const next = { ...callOptions, deadline };
    if (parent) next.parent = parent;
    return new InterceptingCall(nextCall(next), {
      start(metadata, _listener, start) {
        const span = startSpan("client", path, ctx?.traceparent);
        const envelope = createEnvelope({
          type: method?.input.typeName ?? path,
          source,
          context: { ...(ctx ?? { correlationId: uuidv7() }), deadline },
          withBudget: true,
        });
        if (span.traceparent) envelope[Header.traceparent] = span.traceparent;
        delete envelope[Header.contentType];
        addMissing(metadata, envelope);
        start(metadata, {
          onReceiveStatus(status, next) {
            span.end(status.code, status.details);
            next(status);
          },
        });
      },
    });
  };
}

function addMissing(metadata: Metadata, headers: Record<string, string>): void {
  for (const [key, value] of Object.entries(headers)) {
    if (value !== "" && metadata.get(key).length === 0) metadata.set(key, value);
  }
}

function toEpochMs(deadline: Date | number | undefined): number | undefined {
  if (deadline === undefined) return undefined;
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(ms) ? ms : undefined;
}
