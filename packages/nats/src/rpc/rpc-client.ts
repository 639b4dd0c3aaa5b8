import {
  Code,
  ContractError,
  createEnvelope,
  currentContext,
  Header,
  type MethodDefinition,
  minDeadline,
  type NatsServiceDefinition,
  validate,
} from "@contractkit/core";
import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { fromMsgHdrs, toMsgHdrs } from "../message-headers.js";
import type { RpcCallOptions } from "../rpc-transport.js";
import { abortError, fromErrorReply, fromRequestFailure, invalidArgument } from "./rpc-errors.js";
import { type ResolvedRpcOptions, retryDelay } from "./rpc-options.js";

type Method = MethodDefinition & { readonly subject: string };

/**
 * One NATS RPC call: validate and encode, send with the envelope and the remaining time
 * budget, decode the reply or throw the handler's ContractError. Calls that are safe to
 * repeat (IDEMPOTENT / NO_SIDE_EFFECTS methods, or an explicit idempotency key) are
 * retried on UNAVAILABLE within the deadline, like the gRPC runtime.
 */
export async function callMethod<I, O>(
  nc: NatsConnection,
  options: ResolvedRpcOptions,
  service: NatsServiceDefinition,
  methodName: string,
  request: I,
  call: RpcCallOptions = {},
): Promise<O> {
  const method = service.methods[methodName];
  if (!method) {
    throw new TypeError(`request: ${service.typeName} has no method "${methodName}"`);
  }
  if (method.kind !== "unary") {
    throw new TypeError(
      `request: ${service.typeName}.${method.protoName} is ${method.kind}; NATS RPC calls unary methods only`,
    );
  }
  if (method.longRunning) {
    throw new TypeError(
      `request: ${service.typeName}.${method.protoName} is long-running; send it with a LongRunningCaller (the generated create…LongRunningClient), not over NATS RPC`,
    );
  }
  if (options.validateRequests) {
    const violations = validate(method.input, request);
    if (violations.length > 0) {
      throw invalidArgument(`invalid ${method.input.typeName}, not sent`, violations);
    }
  }
  const data = method.input.codec.encode(request);
  const parent = currentContext();
  // The contract's time-out (or the client default) bounds the call; a per-call time-out
  // can only shorten it, and so can what remains of the caller's own deadline.
  const limit = Math.min(
    call.timeoutMs ?? Number.POSITIVE_INFINITY,
    method.timeoutMs ?? options.defaultTimeoutMs,
  );
  const deadline = minDeadline(Date.now() + limit, parent?.deadline) as number;
  const signals: AbortSignal[] = [];
  if (call.signal) signals.push(call.signal);
  if (parent?.signal) signals.push(parent.signal);
  const fired = signals.find((s) => s.aborted);
  if (fired) throw abortError(fired);

  const explicitKey = call.idempotencyKey ?? headerValue(call.headers, Header.idempotencyKey);
  const retrySafe = method.idempotency !== "IDEMPOTENCY_UNKNOWN" || explicitKey !== undefined;
  const headers: Record<string, string> = {
    ...createEnvelope({ type: method.input.typeName, source: options.source, context: parent }),
    ...call.headers,
  };
  const key = explicitKey ?? parent?.idempotencyKey;
  if (key !== undefined) headers[Header.idempotencyKey] = key;

  for (let attempt = 1; ; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) throw deadlineExceeded(service, method, limit);
    // Relative, like grpc-timeout: the receiver's clock need not agree with ours.
    headers[Header.budgetMs] = String(left);
    let error: ContractError;
    try {
      const reply = await requestOnce(nc, method.subject, data, left, headers, signals);
      const failed = fromErrorReply(fromMsgHdrs(reply.headers));
      if (!failed) return decodeReply<O>(method, reply.data);
      error = failed;
    } catch (err) {
      error = fromRequestFailure(err, method.subject);
    }
    if (!retrySafe || attempt >= options.retry.maxAttempts || !worthRetrying(error)) throw error;
    const delay =
      error.findDetail("google.rpc.RetryInfo")?.retryDelayMs ?? retryDelay(options.retry, attempt);
    if (Date.now() + delay >= deadline) throw error;
    await sleep(delay, signals);
  }
}

/** UNAVAILABLE always; RESOURCE_EXHAUSTED only when the server says when (RetryInfo). */
function worthRetrying(error: ContractError): boolean {
  if (error.code === Code.UNAVAILABLE) return true;
  return (
    error.code === Code.RESOURCE_EXHAUSTED && error.findDetail("google.rpc.RetryInfo") !== undefined
  );
}

function requestOnce(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  timeout: number,
  headers: Record<string, string>,
  signals: readonly AbortSignal[],
): Promise<Msg> {
  const sent = nc.request(subject, data, { timeout, headers: toMsgHdrs(headers) });
  if (signals.length === 0) return sent;
  return new Promise<Msg>((resolve, reject) => {
    const onAbort = (event: Event) => {
      unlink();
      reject(abortError(event.target as AbortSignal));
    };
    const unlink = () => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    };
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
    sent.then(
      (msg) => {
        unlink();
        resolve(msg);
      },
      (err: unknown) => {
        unlink();
        reject(err);
      },
    );
  });
}

function decodeReply<O>(method: Method, bytes: Uint8Array): O {
  try {
    return method.output.codec.decode(bytes) as O;
  } catch (err) {
    throw new ContractError(Code.INTERNAL, `the reply is not a valid ${method.output.typeName}`, {
      cause: err,
    });
  }
}

function deadlineExceeded(
  service: NatsServiceDefinition,
  method: Method,
  limit: number,
): ContractError {
  return new ContractError(
    Code.DEADLINE_EXCEEDED,
    `no time left to call ${service.typeName}.${method.protoName} (time-out ${limit} ms, or less left of the caller's deadline)`,
  );
}

function headerValue(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (event: Event) => {
      clearTimeout(timer);
      unlink();
      reject(abortError(event.target as AbortSignal));
    };
    const unlink = () => {
      for (const s of signals) s.removeEventListener("abort", onAbort);
    };
    const timer = setTimeout(() => {
      unlink();
      resolve();
    }, ms);
    for (const s of signals) s.addEventListener("abort", onAbort, { once: true });
  });
}
