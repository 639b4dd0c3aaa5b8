import type { NatsConnection } from "@nats-io/nats-core";
import type { NatsRpcTransport } from "../rpc-transport.js";
import { callMethod } from "./rpc-client.js";
import { type RpcOptions, resolveRpcOptions } from "./rpc-options.js";
import { serveService } from "./rpc-server.js";

/** Anything that carries a NATS connection: a `Bus` (from `connectBus`), for instance. */
export interface HasNatsConnection {
  readonly connection: NatsConnection;
}

/**
 * The NATS RPC transport that generated bindings (`createFooServiceClient(rpc)`,
 * `registerFooService(rpc, handlers)`) run on, over a bus or a plain nats.js connection.
 *
 * It takes the connection rather than being a method of the bus: RPC needs nothing of
 * the bus but its connection (no streams, no counters), so a service that only answers
 * requests need not build one, and the bus stays unaware of RPC. The transport does not
 * own the connection: closing it is the caller's business.
 */
export function createRpc(
  target: NatsConnection | HasNatsConnection,
  options: RpcOptions = {},
): NatsRpcTransport {
  const nc = connectionOf(target);
  const resolved = resolveRpcOptions(options);
  return {
    request: (service, method, request, callOptions) =>
      callMethod(nc, resolved, service, method, request, callOptions),
    serve: (service, handlers) => serveService(nc, resolved, service, handlers),
  };
}

/** The connection of a bus, or the connection itself. */
export function connectionOf(target: NatsConnection | HasNatsConnection): NatsConnection {
  const maybe = target as Partial<NatsConnection> & Partial<HasNatsConnection>;
  if (typeof maybe.request === "function" && typeof maybe.subscribe === "function") {
    return target as NatsConnection;
  }
  if (maybe.connection && typeof maybe.connection.request === "function") {
    return maybe.connection;
  }
  throw new TypeError("createRpc: pass a Bus (from connectBus) or a nats.js NatsConnection");
}
