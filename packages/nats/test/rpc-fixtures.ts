import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import type { MessageType, NatsServiceDefinition } from "@contractkit/core";
import * as z from "zod";
import type {
  NatsRpcTransport,
  RpcCallOptions,
  RpcHandlerContext,
  RpcRegistration,
} from "../src/index.js";

/**
 * The NATS RPC test contract, written by hand exactly in the shape protoc-gen-contractkit
 * emits for a NATS-transport service (see test/golden/nats-service): ts-proto-style
 * messages, `MessageType`s, the `…Nats` definition, `create…Client` and `register…`.
 *
 *   service WidgetService {            // subject_prefix cktest.rpc.widgets, default queue group
 *     rpc GetWidget(WidgetRequest) returns (WidgetResponse) { idempotency_level = NO_SIDE_EFFECTS; }
 *     rpc ReserveWidget(...)  { idempotency_level = IDEMPOTENT; timeout_ms: 1000 }
 *     rpc CreateWidget(...)   { timeout_ms: 2000 }
 *     rpc SlowWidget(...)     { timeout_ms: 300 }
 *   }
 *   service PricingService { rpc Quote(WidgetRequest) returns (WidgetResponse) { IDEMPOTENT; timeout_ms: 10000 } }
 */
export interface WidgetRequest {
  name: string;
  quantity: number;
}

export interface WidgetResponse {
  id: string;
  name: string;
  quantity: number;
  note: string;
}

export const WidgetRequest = {
  encode(m: WidgetRequest, w: BinaryWriter = new BinaryWriter()): BinaryWriter {
    if (m.name !== "") w.uint32(10).string(m.name);
    if (m.quantity !== 0) w.uint32(16).int32(m.quantity);
    return w;
  },
  decode(input: Uint8Array): WidgetRequest {
    const r = new BinaryReader(input);
    const m: WidgetRequest = { name: "", quantity: 0 };
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) m.name = r.string();
      else if (tag >>> 3 === 2) m.quantity = r.int32();
      else r.skip(tag & 7);
    }
    return m;
  },
};

export const WidgetResponse = {
  encode(m: WidgetResponse, w: BinaryWriter = new BinaryWriter()): BinaryWriter {
    if (m.id !== "") w.uint32(10).string(m.id);
    if (m.name !== "") w.uint32(18).string(m.name);
    if (m.quantity !== 0) w.uint32(24).int32(m.quantity);
    if (m.note !== "") w.uint32(34).string(m.note);
    return w;
  },
  decode(input: Uint8Array): WidgetResponse {
    const r = new BinaryReader(input);
    const m: WidgetResponse = { id: "", name: "", quantity: 0, note: "" };
    while (r.pos < r.len) {
      const tag = r.uint32();
      switch (tag >>> 3) {
        case 1:
          m.id = r.string();
          break;
        case 2:
          m.name = r.string();
          break;
        case 3:
          m.quantity = r.int32();
          break;
        case 4:
          m.note = r.string();
          break;
        default:
          r.skip(tag & 7);
      }
    }
    return m;
  },
};

export const WidgetRequestSchema: z.ZodType<WidgetRequest> = z.object({
  name: z.string().min(1),
  quantity: z.int32().gte(0),
});

export const WidgetRequestType: MessageType<WidgetRequest> = {
  typeName: "cktest.widgets.v1.WidgetRequest",
  codec: {
    encode: (m) => WidgetRequest.encode(m).finish(),
    decode: (b) => WidgetRequest.decode(b),
  },
  schema: WidgetRequestSchema,
  sensitiveFields: [],
};

export const WidgetResponseSchema: z.ZodType<WidgetResponse> = z.object({
  id: z.string(),
  name: z.string(),
  quantity: z.int32(),
  note: z.string(),
});

export const WidgetResponseType: MessageType<WidgetResponse> = {
  typeName: "cktest.widgets.v1.WidgetResponse",
  codec: {
    encode: (m) => WidgetResponse.encode(m).finish(),
    decode: (b) => WidgetResponse.decode(b),
  },
  schema: WidgetResponseSchema,
  sensitiveFields: [],
};

/**
 * cktest.widgets.v1.WidgetService over NATS request/reply (queue group cktest.widgets.v1.WidgetService).
 */
export const WidgetServiceNats: NatsServiceDefinition = {
  kind: "nats-service",
  typeName: "cktest.widgets.v1.WidgetService",
  subjectPrefix: "cktest.rpc.widgets",
  queueGroup: "cktest.widgets.v1.WidgetService",
  methods: {
    getWidget: {
      name: "getWidget",
      protoName: "GetWidget",
      kind: "unary",
      input: WidgetRequestType,
      output: WidgetResponseType,
      timeoutMs: undefined,
      idempotency: "NO_SIDE_EFFECTS",
      longRunning: false,
      subject: "cktest.rpc.widgets.GetWidget",
    },
    reserveWidget: {
      name: "reserveWidget",
      protoName: "ReserveWidget",
      kind: "unary",
      input: WidgetRequestType,
      output: WidgetResponseType,
      timeoutMs: 1000,
      idempotency: "IDEMPOTENT",
      longRunning: false,
      subject: "cktest.rpc.widgets.ReserveWidget",
    },
    createWidget: {
      name: "createWidget",
      protoName: "CreateWidget",
      kind: "unary",
      input: WidgetRequestType,
      output: WidgetResponseType,
      timeoutMs: 2000,
      idempotency: "IDEMPOTENCY_UNKNOWN",
      longRunning: false,
      subject: "cktest.rpc.widgets.CreateWidget",
    },
    slowWidget: {
      name: "slowWidget",
      protoName: "SlowWidget",
      kind: "unary",
      input: WidgetRequestType,
      output: WidgetResponseType,
      timeoutMs: 300,
      idempotency: "IDEMPOTENCY_UNKNOWN",
      longRunning: false,
      subject: "cktest.rpc.widgets.SlowWidget",
    },
  },
};

/**
 * Typed client of cktest.widgets.v1.WidgetService.
 */
export interface WidgetServiceClient {
  getWidget(request: WidgetRequest, options?: RpcCallOptions): Promise<WidgetResponse>;
  reserveWidget(request: WidgetRequest, options?: RpcCallOptions): Promise<WidgetResponse>;
  createWidget(request: WidgetRequest, options?: RpcCallOptions): Promise<WidgetResponse>;
  slowWidget(request: WidgetRequest, options?: RpcCallOptions): Promise<WidgetResponse>;
}

/**
 * Creates a typed client of cktest.widgets.v1.WidgetService on a NATS RPC transport.
 */
export function createWidgetServiceClient(transport: NatsRpcTransport): WidgetServiceClient {
  return {
    getWidget: (request, options) =>
      transport.request<WidgetRequest, WidgetResponse>(
        WidgetServiceNats,
        "getWidget",
        request,
        options,
      ),
    reserveWidget: (request, options) =>
      transport.request<WidgetRequest, WidgetResponse>(
        WidgetServiceNats,
        "reserveWidget",
        request,
        options,
      ),
    createWidget: (request, options) =>
      transport.request<WidgetRequest, WidgetResponse>(
        WidgetServiceNats,
        "createWidget",
        request,
        options,
      ),
    slowWidget: (request, options) =>
      transport.request<WidgetRequest, WidgetResponse>(
        WidgetServiceNats,
        "slowWidget",
        request,
        options,
      ),
  };
}

/**
 * Handlers of cktest.widgets.v1.WidgetService: one per method.
 */
export interface WidgetServiceHandlers {
  getWidget(
    request: WidgetRequest,
    ctx: RpcHandlerContext,
  ): Promise<WidgetResponse> | WidgetResponse;
  reserveWidget(
    request: WidgetRequest,
    ctx: RpcHandlerContext,
  ): Promise<WidgetResponse> | WidgetResponse;
  createWidget(
    request: WidgetRequest,
    ctx: RpcHandlerContext,
  ): Promise<WidgetResponse> | WidgetResponse;
  slowWidget(
    request: WidgetRequest,
    ctx: RpcHandlerContext,
  ): Promise<WidgetResponse> | WidgetResponse;
}

/**
 * Serves cktest.widgets.v1.WidgetService with the given handlers on a NATS RPC transport.
 */
export function registerWidgetService(
  transport: NatsRpcTransport,
  handlers: WidgetServiceHandlers,
): Promise<RpcRegistration> {
  return transport.serve(WidgetServiceNats, {
    getWidget: async (request, ctx) => handlers.getWidget(request as WidgetRequest, ctx),
    reserveWidget: async (request, ctx) => handlers.reserveWidget(request as WidgetRequest, ctx),
    createWidget: async (request, ctx) => handlers.createWidget(request as WidgetRequest, ctx),
    slowWidget: async (request, ctx) => handlers.slowWidget(request as WidgetRequest, ctx),
  });
}

/**
 * cktest.widgets.v1.PricingService over NATS request/reply (queue group pricing).
 */
export const PricingServiceNats: NatsServiceDefinition = {
  kind: "nats-service",
  typeName: "cktest.widgets.v1.PricingService",
  subjectPrefix: "cktest.rpc.pricing",
  queueGroup: "pricing",
  methods: {
    quote: {
      name: "quote",
      protoName: "Quote",
      kind: "unary",
      input: WidgetRequestType,
      output: WidgetResponseType,
      timeoutMs: 10000,
      idempotency: "IDEMPOTENT",
      longRunning: false,
      subject: "cktest.rpc.pricing.Quote",
    },
  },
};

export interface PricingServiceClient {
  quote(request: WidgetRequest, options?: RpcCallOptions): Promise<WidgetResponse>;
}

export function createPricingServiceClient(transport: NatsRpcTransport): PricingServiceClient {
  return {
    quote: (request, options) =>
      transport.request<WidgetRequest, WidgetResponse>(
        PricingServiceNats,
        "quote",
        request,
        options,
      ),
  };
}

export interface PricingServiceHandlers {
  quote(request: WidgetRequest, ctx: RpcHandlerContext): Promise<WidgetResponse> | WidgetResponse;
}

export function registerPricingService(
  transport: NatsRpcTransport,
  handlers: PricingServiceHandlers,
): Promise<RpcRegistration> {
  return transport.serve(PricingServiceNats, {
    quote: async (request, ctx) => handlers.quote(request as WidgetRequest, ctx),
  });
}
