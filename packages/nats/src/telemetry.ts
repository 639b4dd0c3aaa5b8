import { parseTraceparent } from "@contractkit/core";
import type { BusCounters, CounterName } from "./counters.js";

/**
 * Optional OpenTelemetry. `@opentelemetry/api` is an optional peer: it is imported
 * dynamically, and without it spans are not created (the envelope's `traceparent`
 * still flows, so traces join up in whatever reads the headers).
 */
export interface SpanHandle {
  /**
   * The traceparent of the span, for the headers / the handler context. Undefined when
   * no span is recorded: the producer then keeps the envelope's own child traceparent.
   */
  readonly traceparent: string | undefined;
  end(error?: unknown): void;
}

export interface Telemetry {
  readonly enabled: boolean;
  /** A producer span for a publish; child of `parentTraceparent` (the current context). */
  producer(subject: string, typeName: string, parentTraceparent: string | undefined): SpanHandle;
  /** A consumer span for a delivery, child of and linked to the producer's context. */
  consumer(
    subject: string,
    typeName: string,
    producerTraceparent: string | undefined,
    consumer: string,
  ): SpanHandle;
  count(name: CounterName, by?: number): void;
}

type OtelApi = typeof import("@opentelemetry/api");

const noopSpan = (traceparent: string | undefined): SpanHandle => ({ traceparent, end() {} });

export function noopTelemetry(): Telemetry {
  return {
    enabled: false,
    producer: () => noopSpan(undefined),
    consumer: (_s, _t, parent) => noopSpan(parent),
    count() {},
  };
}

/** Loads `@opentelemetry/api` if it is installed; otherwise a no-op. */
export async function loadTelemetry(enabled = true): Promise<Telemetry> {
  if (!enabled) return noopTelemetry();
  let api: OtelApi;
  try {
    const name = "@opentelemetry/api";
    api = (await import(name)) as OtelApi;
  } catch {
    return noopTelemetry();
  }
  return otelTelemetry(api);
}

export function otelTelemetry(api: OtelApi): Telemetry {
  const tracer = api.trace.getTracer("@contractkit/nats");
  const meter = api.metrics.getMeter("@contractkit/nats");
  const counters = new Map<CounterName, ReturnType<typeof meter.createCounter>>();

  const contextOf = (traceparent: string | undefined) => {
    const p = parseTraceparent(traceparent);
    if (!p) return undefined;
    return {
      traceId: p.traceId,
      spanId: p.spanId,
      traceFlags: Number.parseInt(p.flags, 16),
      isRemote: true,
    };
  };
  const handle = (span: ReturnType<typeof tracer.startSpan>): SpanHandle => {
    const sc = span.spanContext();
    // A non-recording span (no SDK registered) only echoes its parent: keep our own ids.
    const traceparent =
      span.isRecording() && api.isSpanContextValid(sc)
        ? `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 1).toString(16).padStart(2, "0")}`
        : undefined;
    return {
      traceparent,
      end(error?: unknown) {
        if (error !== undefined) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({
            code: api.SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
        }
        span.end();
      },
    };
  };

  return {
    enabled: true,
    producer(subject, typeName, parentTraceparent) {
      const parent = contextOf(parentTraceparent);
      const active = api.context.active();
      const ctx =
        api.trace.getSpan(active) || !parent ? active : api.trace.setSpanContext(active, parent);
      const span = tracer.startSpan(
        `send ${subject}`,
        {
          kind: api.SpanKind.PRODUCER,
          attributes: {
            "messaging.system": "nats",
            "messaging.operation.type": "send",
            "messaging.destination.name": subject,
            "messaging.message.type": typeName,
          },
        },
        ctx,
      );
      return handle(span);
    },
    consumer(subject, typeName, producerTraceparent, consumer) {
      const producer = contextOf(producerTraceparent);
      const base = api.ROOT_CONTEXT;
      const ctx = producer ? api.trace.setSpanContext(base, producer) : base;
      const span = tracer.startSpan(
        `process ${subject}`,
        {
          kind: api.SpanKind.CONSUMER,
          attributes: {
            "messaging.system": "nats",
            "messaging.operation.type": "process",
            "messaging.destination.name": subject,
            "messaging.consumer.group.name": consumer,
            "messaging.message.type": typeName,
          },
          links: producer ? [{ context: producer }] : [],
        },
        ctx,
      );
      const h = handle(span);
      return h.traceparent ? h : { ...h, traceparent: producerTraceparent };
    },
    count(name, by = 1) {
      let c = counters.get(name);
      if (!c) {
        c = meter.createCounter(`contractkit.nats.${name}`);
        counters.set(name, c);
      }
      c.add(by);
    },
  };
}

/** Adds to the bus's own counters and to OpenTelemetry's. */
export function bump(counters: BusCounters, telemetry: Telemetry, name: CounterName, by = 1): void {
  counters[name] += by;
  telemetry.count(name, by);
}
