import { once } from "node:events";
import {
  Code,
  ContractError,
  currentContext,
  type GrpcServiceTable,
  Header,
} from "@contractkit/core";
import { type Client, type CallOptions as GrpcCallOptions, Metadata } from "@grpc/grpc-js";
import type { GrpcChannel } from "./channel.js";
import type {
  MessageSource,
  MethodDefinitionLike,
  RequestOf,
  ResponseOf,
  ServiceDefinitionLike,
} from "./definition-types.js";
import { fromServiceError } from "./grpc-status.js";
import { isRetrySafe } from "./service-config.js";

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call (the caller sees CANCELLED). */
  signal?: AbortSignal;
  /**
   * A shorter time-out for this call. The method's contract `timeout_ms` (or the channel
   * default) stays the upper bound, as does the caller's own deadline.
   */
  timeoutMs?: number;
  /** An absolute deadline (epoch ms or Date), with the same bounds as `timeoutMs`. */
  deadline?: Date | number;
  /** Extra request metadata. */
  metadata?: Metadata | Record<string, string | Buffer>;
  /**
   * Makes a call to a method that is not idempotent safe to retry: sent as
   * `idempotency-key`, and the call is retried like an idempotent one (so is a call whose
   * `metadata` sets that header). A key inherited from the handler's context is sent on,
   * but does not by itself make the call retried.
   */
  idempotencyKey?: string;
}

type UnaryMethod<I, O> = (request: I, options?: CallOptions) => Promise<O>;
type ServerStreamMethod<I, O> = (request: I, options?: CallOptions) => AsyncIterable<O>;
type ClientStreamMethod<I, O> = (requests: MessageSource<I>, options?: CallOptions) => Promise<O>;
type BidiStreamMethod<I, O> = (
  requests: MessageSource<I>,
  options?: CallOptions,
) => AsyncIterable<O>;

export type ClientMethod<M> = M extends { requestStream: true; responseStream: true }
  ? BidiStreamMethod<RequestOf<M>, ResponseOf<M>>
  : M extends { requestStream: true }
    ? ClientStreamMethod<RequestOf<M>, ResponseOf<M>>
    : M extends { responseStream: true }
      ? ServerStreamMethod<RequestOf<M>, ResponseOf<M>>
      : UnaryMethod<RequestOf<M>, ResponseOf<M>>;

/** A typed client: one method per RPC, named like ts-proto's (`placeOrder`). */
export type ContractClient<D extends ServiceDefinitionLike<D>> = {
  readonly [K in keyof D]: ClientMethod<D[K]>;
};

/**
 * A client for one service: unary calls return a Promise, server streams an
 * AsyncIterable, client streams take an (async) iterable and return a Promise, bidi
 * streams take one and return an AsyncIterable. Every call gets a deadline and the
 * envelope (see `createEnvelopeInterceptor`); failures are ContractErrors with the
 * server's details decoded.
 */
export function createClient<D extends ServiceDefinitionLike<D>>(
  definition: D,
  table: GrpcServiceTable,
  channel: GrpcChannel,
): ContractClient<D> {
  channel.register(table);
  const client: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(definition as Record<string, MethodDefinitionLike>)) {
    const method = table.methods[name];
    if (!method || method.path !== def.path) {
      throw new TypeError(
        `createClient: ${table.typeName} has no method "${name}" at ${def.path} in its GrpcServiceTable; regenerate the contract (contractkit generate) so the ts-proto output and the table match`,
      );
    }
    const retrySafe = isRetrySafe(method.idempotency);
    const pick = (options: CallOptions | undefined): Client =>
      channel.client(!retrySafe && hasIdempotencyKey(options));
    if (!def.requestStream && !def.responseStream) client[name] = unary(def, pick);
    else if (!def.requestStream) client[name] = serverStream(def, pick);
    else if (!def.responseStream) client[name] = clientStream(def, pick);
    else client[name] = bidiStream(def, pick);
  }
  return client as ContractClient<D>;
}

type Pick = (options: CallOptions | undefined) => Client;

/** A key given as the option or set in the call's metadata by hand. */
function hasIdempotencyKey(options: CallOptions | undefined): boolean {
  if (options?.idempotencyKey !== undefined) return true;
  const md = options?.metadata;
  if (md === undefined) return false;
  return md instanceof Metadata
    ? md.get(Header.idempotencyKey).length > 0
    : Header.idempotencyKey in md;
}

function unary(def: MethodDefinitionLike, pick: Pick): UnaryMethod<unknown, unknown> {
  return (request, options) =>
    new Promise((resolve, reject) => {
      const { metadata, callOptions, signals } = prepare(options);
      abortedError(signals, reject);
      const call = pick(options).makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        metadata,
        callOptions,
        (error, response) => {
          unlink();
          if (error) reject(fromServiceError(error));
          else resolve(response);
        },
      );
      const unlink = linkAbort(signals, () => call.cancel());
    });
}

function serverStream(def: MethodDefinitionLike, pick: Pick): ServerStreamMethod<unknown, unknown> {
  return (request, options) => {
    const { metadata, callOptions, signals } = prepare(options);
    const call = pick(options).makeServerStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      request,
      metadata,
      callOptions,
    );
    return readResponses(call, signals);
  };
}

function clientStream(def: MethodDefinitionLike, pick: Pick): ClientStreamMethod<unknown, unknown> {
  return (requests, options) =>
    new Promise((resolve, reject) => {
      const { metadata, callOptions, signals } = prepare(options);
      abortedError(signals, reject);
      let done = false;
      const call = pick(options).makeClientStreamRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        metadata,
        callOptions,
        (error, response) => {
          done = true;
          unlink();
          if (error) reject(fromServiceError(error));
          else resolve(response);
        },
      );
      const unlink = linkAbort(signals, () => call.cancel());
      writeAll(call, requests, () => done).catch((e: unknown) => {
        done = true;
        unlink();
        call.cancel();
        reject(ContractError.from(e));
      });
    });
}

function bidiStream(def: MethodDefinitionLike, pick: Pick): BidiStreamMethod<unknown, unknown> {
  return (requests, options) => {
    const { metadata, callOptions, signals } = prepare(options);
    const call = pick(options).makeBidiStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      metadata,
      callOptions,
    );
    let sourceError: ContractError | undefined;
    let done = false;
    call.on("status", () => {
      done = true;
    });
    writeAll(call, requests, () => done).catch((e: unknown) => {
      sourceError = ContractError.from(e);
      call.cancel();
    });
    return readResponses(call, signals, () => sourceError);
  };
}

interface Prepared {
  metadata: Metadata;
  callOptions: GrpcCallOptions;
  signals: AbortSignal[];
}

/** Metadata and grpc-js options of a call; the deadline itself is set by the interceptor. */
function prepare(options: CallOptions | undefined): Prepared {
  const metadata = toMetadata(options?.metadata);
  if (options?.idempotencyKey !== undefined)
    metadata.set(Header.idempotencyKey, options.idempotencyKey);
  const callOptions: GrpcCallOptions = {};
  if (options?.deadline !== undefined) callOptions.deadline = options.deadline;
  if (options?.timeoutMs !== undefined) {
    const t = Date.now() + options.timeoutMs;
    callOptions.deadline = Math.min(t, toMs(callOptions.deadline) ?? t);
  }
  // Cancellation: the caller's signal, and the current handler's (a NATS handler whose
  // request was cancelled, a fan-out that gave up). gRPC parents propagate it themselves.
  const signals: AbortSignal[] = [];
  if (options?.signal) signals.push(options.signal);
  const ctxSignal = currentContext()?.signal;
  if (ctxSignal) signals.push(ctxSignal);
  return { metadata, callOptions, signals };
}

function toMetadata(input: CallOptions["metadata"]): Metadata {
  if (input instanceof Metadata) return input.clone();
  const m = new Metadata();
  for (const [k, v] of Object.entries(input ?? {})) m.set(k, v);
  return m;
}

function toMs(d: Date | number | undefined): number | undefined {
  return d === undefined ? undefined : d instanceof Date ? d.getTime() : d;
}

function abortedError(signals: AbortSignal[], reject: (e: unknown) => void): void {
  const fired = signals.find((s) => s.aborted);
  if (fired) reject(abortReason(fired));
}

function abortReason(signal: AbortSignal): ContractError {
  const reason: unknown = signal.reason;
  const e = ContractError.from(reason, Code.CANCELLED);
  return e.code === Code.UNKNOWN
    ? new ContractError(Code.CANCELLED, "call cancelled", { cause: reason })
    : e;
}

/** Cancels the call when any signal fires; returns the function that unlinks. */
function linkAbort(signals: AbortSignal[], cancel: () => void): () => void {
  if (signals.length === 0) return () => {};
  const onAbort = () => cancel();
  for (const s of signals) {
    if (s.aborted) cancel();
    else s.addEventListener("abort", onAbort, { once: true });
  }
  return () => {
    for (const s of signals) s.removeEventListener("abort", onAbort);
  };
}

interface Writable {
  write(message: unknown): boolean;
  end(): void;
  once(event: "drain", fn: () => void): unknown;
}

async function writeAll(
  call: Writable & NodeJS.EventEmitter,
  requests: MessageSource<unknown>,
  isDone: () => boolean,
) {
  for await (const message of requests) {
    if (isDone()) return;
    if (!call.write(message)) await once(call, "drain");
  }
  if (!isDone()) call.end();
}

/** Turns a grpc-js response stream into an AsyncIterable of messages and ContractErrors. */
async function* readResponses(
  call: NodeJS.ReadableStream & { cancel(): void },
  signals: AbortSignal[],
  sourceError: () => ContractError | undefined = () => undefined,
): AsyncGenerator<unknown> {
  // An error listener from the start: a stream nobody reads must not crash the process.
  call.on("error", () => {});
  const unlink = linkAbort(signals, () => call.cancel());
  let finished = false;
  try {
    for await (const message of call) yield message;
    finished = true;
  } catch (e) {
    finished = true;
    throw sourceError() ?? fromServiceError(e);
  } finally {
    unlink();
    if (!finished) call.cancel();
  }
}
