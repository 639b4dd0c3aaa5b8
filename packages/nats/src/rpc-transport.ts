import type { CallContext, NatsServiceDefinition } from "@contractkit/core";

/**
 * The interface generated NATS-transport service bindings are written against. The
 * NATS RPC runtime (`createRpc`, on @nats-io/services) implements it.
 */
export interface RpcCallOptions {
  /** Shortens the method's `timeout_ms` (never lengthens it); never exceeds what remains of the caller's deadline. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Lets a non-idempotent call be retried; the handler can de-duplicate by it. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

/** What a handler gets besides the request. */
export interface RpcHandlerContext extends CallContext {
  /** Fires when the caller's time budget is spent. */
  readonly signal: AbortSignal;
  readonly headers: Readonly<Record<string, string>>;
  readonly subject: string;
}

export type RpcHandler<I = unknown, O = unknown> = (
  request: I,
  ctx: RpcHandlerContext,
) => Promise<O>;

export interface RpcRegistration {
  /** Stops taking new requests and waits for the running ones. */
  stop(): Promise<void>;
}

export interface NatsRpcTransport {
  request<I, O>(
    service: NatsServiceDefinition,
    method: string,
    request: I,
    options?: RpcCallOptions,
  ): Promise<O>;
  serve(
    service: NatsServiceDefinition,
    handlers: Record<string, RpcHandler>,
  ): Promise<RpcRegistration>;
}
