import { randomBytes } from "node:crypto";
import { parseTraceparent, runWithContext } from "@contractkit/core";
import { startGrpcTestServer } from "@contractkit/testing";
import {
  type Attributes,
  type AttributeValue,
  type Context,
  context,
  type Span,
  type SpanContext,
  SpanKind,
  type SpanOptions,
  type SpanStatus,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";
import { createChannel, createClient } from "../src/index.js";
import { loadEchoContract } from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

// A minimal recording tracer registered through @opentelemetry/api (no SDK needed).
interface Recorded {
  name: string;
  kind: SpanKind | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Attributes;
  status?: SpanStatus;
  ended: boolean;
}
const recorded: Recorded[] = [];

class RecordingSpan implements Span {
  constructor(
    private readonly sc: SpanContext,
    private readonly rec: Recorded,
  ) {}
  spanContext() {
    return this.sc;
  }
  setAttribute(key: string, value: AttributeValue) {
    this.rec.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes) {
    Object.assign(this.rec.attributes, attributes);
    return this;
  }
  addEvent() {
    return this;
  }
  addLink() {
    return this;
  }
  addLinks() {
    return this;
  }
  setStatus(status: SpanStatus) {
    this.rec.status = status;
    return this;
  }
  updateName(name: string) {
    this.rec.name = name;
    return this;
  }
  end() {
    this.rec.ended = true;
  }
  isRecording() {
    return true;
  }
  recordException() {}
}

const tracer: Tracer = {
  startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
    const parent = trace.getSpanContext(ctx ?? context.active());
    const sc: SpanContext = {
      traceId: parent?.traceId ?? randomBytes(16).toString("hex"),
      spanId: randomBytes(8).toString("hex"),
      traceFlags: 1,
    };
    const rec: Recorded = {
      name,
      kind: options?.kind,
      traceId: sc.traceId,
      spanId: sc.spanId,
      parentSpanId: parent?.spanId,
      attributes: { ...options?.attributes },
      ended: false,
    };
    recorded.push(rec);
    return new RecordingSpan(sc, rec);
  },
  startActiveSpan(): never {
    throw new Error("not used");
  },
};
trace.setGlobalTracerProvider({ getTracer: () => tracer });

afterAll(() => {
  trace.disable();
});

describe("OpenTelemetry (optional peer)", () => {
  it("creates a client and a server span per call, one trace, parent → child, with the gRPC status", async () => {
    const contract = await loadEchoContract();
    const srv = await startGrpcTestServer((s) =>
      s.addService(contract.EchoServiceService, contract.echoTable(), echoImpl()),
    );
    const ch = createChannel({ address: srv.address });
    const client = createClient(contract.EchoServiceService, contract.echoTable(), ch);
    const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await runWithContext({ correlationId: "c", traceparent: incoming }, () =>
      client.echo({ text: "t", count: 0, sequence: "0" }),
    );
    ch.close();
    await srv.close();
    const clientSpan = recorded.find((r) => r.kind === SpanKind.CLIENT);
    const serverSpan = recorded.find((r) => r.kind === SpanKind.SERVER);
    expect(clientSpan).toMatchObject({
      name: "cktest.echo.v1.EchoService/Echo",
      traceId: parseTraceparent(incoming)?.traceId,
      parentSpanId: "00f067aa0ba902b7",
      ended: true,
      attributes: { "rpc.system": "grpc", "rpc.method": "Echo", "rpc.grpc.status_code": 0 },
    });
    expect(serverSpan).toMatchObject({
      traceId: clientSpan?.traceId,
      parentSpanId: clientSpan?.spanId,
      ended: true,
    });
  });
});
