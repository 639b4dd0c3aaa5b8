import { Code, codeName, parseTraceparent } from "@contractkit/core";

/**
 * Optional OpenTelemetry spans. `@opentelemetry/api` is an optional peer dependency:
 * when it is installed (and the application registered a tracer provider), each call
 * gets a client span and each handled call a server span, parented by the incoming
 * `traceparent`; without it every function here is a cheap no-op.
 */
type OtelApi = typeof import("@opentelemetry/api");

const otel: OtelApi | undefined = await import("@opentelemetry/api").catch(() => undefined);

export interface CallSpan {
  /** The span's W3C traceparent, when a recording span exists. */
  readonly traceparent: string | undefined;
  end(code: number, message: string): void;
}

const NO_SPAN: CallSpan = { traceparent: undefined, end() {} };

/** Starts a `client` or `server` span for a gRPC path under `parentTraceparent`. */
export function startSpan(
  kind: "client" | "server",
  path: string,
  parentTraceparent: string | undefined,
): CallSpan {
  if (!otel) return NO_SPAN;
  const api = otel;
  const tracer = api.trace.getTracer("@contractkit/grpc");
  let parent = api.context.active();
  const p = parseTraceparent(parentTraceparent);
  if (p) {
    parent = api.trace.setSpanContext(parent, {
      traceId: p.traceId,
      spanId: p.spanId,
      traceFlags: Number.parseInt(p.flags, 16),
      isRemote: true,
    });
  }
  const [service = "", method = ""] = path.slice(1).split("/");
  const span = tracer.startSpan(
    path.slice(1),
    {
      kind: kind === "client" ? api.SpanKind.CLIENT : api.SpanKind.SERVER,
      attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method },
    },
    parent,
  );
  const sc = span.spanContext();
  // Without an SDK the span is non-recording and repeats its parent's context; core's
  // child traceparent (a new span id) is the better header then.
  const traceparent =
    span.isRecording() && api.trace.isSpanContextValid(sc)
      ? `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`
      : undefined;
  return {
    traceparent,
    end(code, message) {
      span.setAttribute("rpc.grpc.status_code", code);
      if (code !== Code.OK) {
        span.setStatus({
          code: api.SpanStatusCode.ERROR,
          message: `${codeName(code)}: ${message}`,
        });
      }
      span.end();
    },
  };
}
