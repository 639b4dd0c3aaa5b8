import { AsyncLocalStorage } from "node:async_hooks";
import type { CallOptions } from "@grpc/grpc-js";

/** Any grpc-js server call (what `CallOptions.parent` accepts). */
export type ServerSurfaceCall = NonNullable<CallOptions["parent"]>;

/**
 * The grpc-js call a handler is serving, so a client call made inside the handler can
 * pass it as `parent` and let grpc-js propagate the deadline and cancellation. Kept apart
 * from core's CallContext so `withContext` (which copies the context) does not lose it.
 */
const storage = new AsyncLocalStorage<ServerSurfaceCall>();

export function currentServerCall(): ServerSurfaceCall | undefined {
  return storage.getStore();
}

export function runInServerCall<T>(call: ServerSurfaceCall, fn: () => T): T {
  return storage.run(call, fn);
}
