import { once } from "node:events";
import type { Readable } from "node:stream";
import {
  Code,
  ContractError,
  isContractError,
  type MethodDefinition,
  runWithContext,
  validate,
} from "@contractkit/core";
import type {
  handleBidiStreamingCall,
  handleClientStreamingCall,
  handleServerStreamingCall,
  handleUnaryCall,
  UntypedHandleCall,
} from "@grpc/grpc-js";
import type { MessageSource, RequestOf, ResponseOf } from "./definition-types.js";
import { toServerStatus } from "./grpc-status.js";
import {
  type HandlerContext,
  invalidArgument,
  type StartedCall,
  startCall,
} from "./handler-context.js";
import { runInServerCall, type ServerSurfaceCall } from "./server-call-storage.js";

type Awaitable<T> = T | Promise<T>;

/** A handler: an async function, or an async generator for a response stream. */
export type HandlerFor<M> = M extends { requestStream: true; responseStream: true }
  ? (requests: AsyncIterable<RequestOf<M>>, ctx: HandlerContext) => MessageSource<ResponseOf<M>>
  : M extends { requestStream: true }
    ? (requests: AsyncIterable<RequestOf<M>>, ctx: HandlerContext) => Awaitable<ResponseOf<M>>
    : M extends { responseStream: true }
      ? (request: RequestOf<M>, ctx: HandlerContext) => MessageSource<ResponseOf<M>>
      : (request: RequestOf<M>, ctx: HandlerContext) => Awaitable<ResponseOf<M>>;

export type ServiceImplementation<D> = { [K in keyof D]: HandlerFor<D[K]> };

type AnyHandler = (input: unknown, ctx: HandlerContext) => unknown;
type Method = MethodDefinition & { readonly path: string };

/** Hooks from the server: in-flight tracking and error reporting. */
export interface CallTracker {
  begin(call: StartedCall): void;
  end(call: StartedCall): void;
  /** Called with errors that are not ContractErrors (they become INTERNAL). */
  onError(error: unknown, method: Method): void;
  validateResponses: boolean;
}

/** Wraps a ContractKit handler as the grpc-js handler for its call kind. */
export function wrapHandler(
  kind: { requestStream: boolean; responseStream: boolean },
  method: Method,
  impl: AnyHandler,
  tracker: CallTracker,
): UntypedHandleCall {
  if (!kind.requestStream && !kind.responseStream) {
    const h: handleUnaryCall<unknown, unknown> = (call, callback) => {
      run(call, method, tracker, async (started) => {
        checkRequest(method, call.request);
        const response = await impl(call.request, started.handler);
        checkResponse(method, response, tracker);
        return response;
      }).then(
        (response) => callback(null, response),
        (status) => callback(status),
      );
    };
    return h;
  }
  if (!kind.requestStream) {
    const h: handleServerStreamingCall<unknown, unknown> = (call) => {
      run(call, method, tracker, async (started) => {
        checkRequest(method, call.request);
        await writeAll(
          call,
          impl(call.request, started.handler) as MessageSource<unknown>,
          method,
          tracker,
        );
      }).then(
        () => call.end(),
        (status) => call.emit("error", status),
      );
    };
    return h;
  }
  if (!kind.responseStream) {
    const h: handleClientStreamingCall<unknown, unknown> = (call, callback) => {
      run(call, method, tracker, async (started) => {
        const response = await impl(checkedRequests(call, method), started.handler);
        checkResponse(method, response, tracker);
        return response;
      }).then(
        (response) => callback(null, response),
        (status) => callback(status),
      );
    };
    return h;
  }
  const h: handleBidiStreamingCall<unknown, unknown> = (call) => {
    run(call, method, tracker, async (started) => {
      await writeAll(
        call,
        impl(checkedRequests(call, method), started.handler) as MessageSource<unknown>,
        method,
        tracker,
      );
    }).then(
      () => call.end(),
      (status) => call.emit("error", status),
    );
  };
  return h;
}

/**
 * Runs a handler inside the call context (core's AsyncLocalStorage, plus the grpc-js
 * call for deadline propagation). Resolves with its result; rejects with the status.
 */
async function run<T>(
  call: ServerSurfaceCall,
  method: Method,
  tracker: CallTracker,
  body: (started: StartedCall) => Promise<T>,
): Promise<T> {
  const started = startCall(call, method);
  tracker.begin(started);
  try {
    const result = await runWithContext(started.handler.call, () =>
      runInServerCall(call, () => body(started)),
    );
    started.finish(Code.OK, "");
    return result;
  } catch (thrown) {
    // A handler that gave up because its signal fired (client cancelled, deadline
    // passed, server stopping) threw the reason, not a bug: no INTERNAL, no report.
    const signal = started.handler.signal;
    const error =
      !isContractError(thrown) && signal.aborted
        ? ContractError.from(signal.reason, Code.CANCELLED)
        : thrown;
    if (!isContractError(error)) tracker.onError(error, method);
    const status = toServerStatus(error);
    started.finish(status.code, status.details);
    throw status;
  } finally {
    tracker.end(started);
  }
}

function checkRequest(method: Method, request: unknown): void {
  const violations = validate(method.input, request);
  if (violations.length > 0)
    throw invalidArgument(`${method.input.typeName} is invalid`, violations);
}

function checkResponse(method: Method, response: unknown, tracker: CallTracker): void {
  if (!tracker.validateResponses) return;
  const violations = validate(method.output, response);
  if (violations.length > 0) {
    throw new ContractError(
      Code.INTERNAL,
      `the handler of ${method.path} returned an invalid ${method.output.typeName}`,
    );
  }
}

/** The request stream, each message validated; a bad one ends it with INVALID_ARGUMENT. */
async function* checkedRequests(
  call: NodeJS.ReadableStream,
  method: Method,
): AsyncGenerator<unknown> {
  let index = 0;
  // Not the default iterator: it destroys the stream at the end, and for a bidi call
  // that is also the response side, whose status would then never be sent.
  const requests = (call as Readable).iterator({ destroyOnReturn: false });
  for await (const request of requests) {
    const violations = validate(method.input, request);
    if (violations.length > 0)
      throw invalidArgument(`${method.input.typeName} #${index} is invalid`, violations);
    index++;
    yield request;
  }
}

interface WritableCall extends NodeJS.EventEmitter {
  write(message: unknown): boolean;
  cancelled: boolean;
}

async function writeAll(
  call: WritableCall,
  source: MessageSource<unknown>,
  method: Method,
  tracker: CallTracker,
) {
  for await (const message of source) {
    if (call.cancelled) return;
    checkResponse(method, message, tracker);
    if (!call.write(message)) await Promise.race([once(call, "drain"), once(call, "cancelled")]);
  }
}
