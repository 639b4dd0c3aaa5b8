import { type CallContext, currentContext, remainingMs } from "./context.js";
import { childTraceparent, uuidv7 } from "./ids.js";

/**
 * Header names of the envelope every NATS message (and every gRPC call's metadata)
 * carries. Standard names, so other tools understand them: W3C trace context,
 * CloudEvents binary mode with the correlation extension.
 */
export const Header = {
  traceparent: "traceparent",
  tracestate: "tracestate",
  specVersion: "ce-specversion",
  id: "ce-id",
  type: "ce-type",
  source: "ce-source",
  time: "ce-time",
  correlationId: "ce-correlationid",
  causationId: "ce-causationid",
  contentType: "content-type",
  /** Remaining time budget of a request, relative milliseconds (like `grpc-timeout`). */
  budgetMs: "ck-budget-ms",
  /** The caller's idempotency key: lets non-idempotent calls be retried safely. */
  idempotencyKey: "idempotency-key",
  /** NATS RPC errors: our gRPC code and the encoded status (base64 google.rpc.Status). */
  statusCode: "ck-status-code",
  statusDetails: "ck-status-details-bin",
  /** Set on a message replayed from the dead letters. */
  replay: "ck-replay",
  /** JetStream de-duplication id (reused as `ce-id` on every retry of a publish). */
  natsMsgId: "Nats-Msg-Id",
} as const;

export const CONTENT_TYPE_PROTOBUF = "application/protobuf";
export const CLOUDEVENTS_SPEC_VERSION = "1.0";

/** The envelope, read back from headers. */
export interface Envelope {
  id: string;
  type: string;
  source: string;
  time: string;
  correlationId: string;
  causationId?: string;
  traceparent?: string;
  tracestate?: string;
  /** Relative budget in milliseconds, as sent. */
  budgetMs?: number;
  idempotencyKey?: string;
}

export interface EnvelopeInput {
  /** The message's full Protobuf name (`ce-type`). */
  type: string;
  /** The producer (`ce-source`), e.g. the service name. */
  source: string;
  /** A fixed id: pass it when re-sending the same event, so de-duplication holds. */
  id?: string;
  time?: Date;
  /** Defaults to the current context. */
  context?: CallContext | undefined;
  /** Send the remaining budget of the context's deadline (requests, not events). */
  withBudget?: boolean;
  idempotencyKey?: string;
}

/**
 * Builds envelope headers for an outgoing message or call. Ids and trace come from the
 * current context: the correlation id is inherited (or new), the causation id is the
 * id of the message being handled, and the trace continues as a child span.
 */
export function createEnvelope(input: EnvelopeInput): Record<string, string> {
  const ctx = input.context ?? currentContext();
  const headers: Record<string, string> = {
    [Header.specVersion]: CLOUDEVENTS_SPEC_VERSION,
    [Header.id]: input.id ?? uuidv7(),
    [Header.type]: input.type,
    [Header.source]: input.source,
    [Header.time]: (input.time ?? new Date()).toISOString(),
    [Header.correlationId]: ctx?.correlationId ?? uuidv7(),
    [Header.contentType]: CONTENT_TYPE_PROTOBUF,
    [Header.traceparent]: childTraceparent(ctx?.traceparent),
  };
  if (ctx?.causationId) headers[Header.causationId] = ctx.causationId;
  if (ctx?.tracestate) headers[Header.tracestate] = ctx.tracestate;
  if (input.withBudget) {
    const left = remainingMs(ctx?.deadline);
    if (left !== undefined) headers[Header.budgetMs] = String(left);
  }
  const key = input.idempotencyKey ?? ctx?.idempotencyKey;
  if (key && input.withBudget) headers[Header.idempotencyKey] = key;
  return headers;
}

/** Reads the envelope through a header getter (NATS headers, gRPC metadata, a record). */
export function readEnvelope(get: (name: string) => string | undefined): Envelope {
  const opt = (name: string) => {
    const v = get(name);
    return v === undefined || v === "" ? undefined : v;
  };
  const budget = opt(Header.budgetMs);
  const budgetMs = budget === undefined ? undefined : Number(budget);
  const env: Envelope = {
    id: opt(Header.id) ?? "",
    type: opt(Header.type) ?? "",
    source: opt(Header.source) ?? "",
    time: opt(Header.time) ?? "",
    correlationId: opt(Header.correlationId) ?? "",
  };
  const causationId = opt(Header.causationId);
  if (causationId) env.causationId = causationId;
  const traceparent = opt(Header.traceparent);
  if (traceparent) env.traceparent = traceparent;
  const tracestate = opt(Header.tracestate);
  if (tracestate) env.tracestate = tracestate;
  if (budgetMs !== undefined && Number.isFinite(budgetMs) && budgetMs >= 0) env.budgetMs = budgetMs;
  const key = opt(Header.idempotencyKey);
  if (key) env.idempotencyKey = key;
  return env;
}

/**
 * The context a handler runs in for an incoming message: same correlation id, the
 * message's id as causation, its trace, and a deadline from its budget.
 */
export function contextFromEnvelope(env: Envelope, signal?: AbortSignal): CallContext {
  const ctx: {
    -readonly [K in keyof CallContext]: CallContext[K];
  } = { correlationId: env.correlationId || uuidv7() };
  if (env.id) ctx.causationId = env.id;
  if (env.traceparent) ctx.traceparent = env.traceparent;
  if (env.tracestate) ctx.tracestate = env.tracestate;
  if (env.budgetMs !== undefined) ctx.deadline = Date.now() + env.budgetMs;
  if (signal) ctx.signal = signal;
  if (env.idempotencyKey) ctx.idempotencyKey = env.idempotencyKey;
  return ctx;
}
