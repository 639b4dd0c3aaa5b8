import {
  type CallContext,
  Code,
  ContractError,
  contextFromEnvelope,
  deadlineSignal,
  Header,
  isContractError,
  type MethodDefinition,
  type NatsServiceDefinition,
  readEnvelope,
  runWithContext,
  validate,
} from "@contractkit/core";
import { Empty, type NatsConnection } from "@nats-io/nats-core";
import { type ServiceMsg, Svcm } from "@nats-io/services";
import { fromMsgHdrs, toMsgHdrs } from "../message-headers.js";
import type { RpcHandler, RpcHandlerContext, RpcRegistration } from "../rpc-transport.js";
import { invalidArgument, toErrorReply } from "./rpc-errors.js";
import {
  endpointMetadata,
  microEndpointName,
  microServiceName,
  serviceMetadata,
} from "./rpc-metadata.js";
import type { ResolvedRpcOptions } from "./rpc-options.js";

type Method = MethodDefinition & { readonly subject: string };

/**
 * Serves a NATS-transport service with @nats-io/services: one micro service per
 * definition, one endpoint per method on the method's subject (long-running methods,
 * answered over JetStream by `serveLongRunning`, get none), every endpoint in the
 * service's queue group (instances compete for requests), and the contract's names in
 * the `$SRV.INFO` metadata.
 */
export async function serveService(
  nc: NatsConnection,
  options: ResolvedRpcOptions,
  service: NatsServiceDefinition,
  handlers: Record<string, RpcHandler>,
): Promise<RpcRegistration> {
  const methods = checkHandlers(service, handlers);
  const svc = await new Svcm(nc).add({
    name: microServiceName(service),
    version: options.serviceVersion,
    description: `${service.typeName} (ContractKit NATS RPC)`,
    metadata: serviceMetadata(service),
  });
  const inFlight = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();
  try {
    for (const [name, method] of methods) {
      const handler = handlers[name] as RpcHandler;
      svc.addEndpoint(microEndpointName(method), {
        subject: method.subject,
        // The endpoint's own queue: micro validates a service-level queue as a name (no
        // dots), while the contract's default group is the service's full name.
        queue: service.queueGroup,
        metadata: endpointMetadata(service, method),
        handler: (err, msg) => {
          if (err) return;
          const run = handle(msg, service, method, handler, options, controllers);
          inFlight.add(run);
          // A reply that cannot be sent (connection closed) has nobody left to tell.
          void run.catch(() => undefined).finally(() => inFlight.delete(run));
        },
      });
    }
    // Once the server has the subscriptions, a request from any connection finds them.
    await nc.flush();
  } catch (err) {
    await svc.stop();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        // Drains the subscriptions: requests already received are still handed over.
        await svc.stop();
        const timer = setTimeout(() => {
          const reason = new ContractError(Code.UNAVAILABLE, "the server is stopping");
          for (const c of controllers) c.abort(reason);
        }, options.drainTimeoutMs);
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
        clearTimeout(timer);
        if (!nc.isClosed()) await nc.flush().catch(() => undefined);
      })();
      return stopping;
    },
  };
}

function checkHandlers(
  service: NatsServiceDefinition,
  handlers: Record<string, RpcHandler>,
): Array<[string, Method]> {
  for (const name of Object.keys(handlers)) {
    const method = service.methods[name];
    if (!method) {
      throw new TypeError(`serve: ${service.typeName} has no method "${name}"`);
    }
    if (method.longRunning) {
      throw new TypeError(
        `serve: ${service.typeName}.${method.protoName} is long-running; serve it with serveLongRunning (the generated register…LongRunning), not over NATS RPC`,
      );
    }
  }
  const out: Array<[string, Method]> = [];
  for (const [name, method] of Object.entries(service.methods)) {
    // Long-running methods are answered over JetStream (serveLongRunning): no endpoint.
    if (method.longRunning) continue;
    if (typeof handlers[name] !== "function") {
      throw new TypeError(
        `serve: no handler for ${service.typeName}.${method.protoName} ("${name}")`,
      );
    }
    if (method.kind !== "unary") {
      throw new TypeError(
        `serve: ${service.typeName}.${method.protoName} is ${method.kind}; NATS RPC serves unary methods only`,
      );
    }
    out.push([name, method]);
  }
  return out;
}

async function handle(
  msg: ServiceMsg,
  service: NatsServiceDefinition,
  method: Method,
  handler: RpcHandler,
  options: ResolvedRpcOptions,
  controllers: Set<AbortController>,
): Promise<void> {
  const headers = fromMsgHdrs(msg.headers);
  const env = readEnvelope((name) => headers[name]);
  const controller = new AbortController();
  controllers.add(controller);
  try {
    // A spent budget is refused before anything else: the caller has given up already.
    if (env.budgetMs !== undefined && env.budgetMs <= 0) {
      throw new ContractError(
        Code.DEADLINE_EXCEEDED,
        `the time budget of ${service.typeName}.${method.protoName} was spent before it arrived`,
      );
    }
    const request = decodeRequest(method, msg.data);
    const violations = validate(method.input, request);
    if (violations.length > 0) {
      throw invalidArgument(`invalid ${method.input.typeName}`, violations);
    }
    const base = contextFromEnvelope(env);
    const signal = deadlineSignal(base.deadline, controller.signal) ?? controller.signal;
    const call: CallContext = { ...base, signal };
    const ctx: RpcHandlerContext = { ...call, signal, headers, subject: msg.subject };
    const response = await runWithContext(call, () => handler(request, ctx));
    if (options.validateResponses) {
      const bad = validate(method.output, response);
      if (bad.length > 0) {
        throw new ContractError(
          Code.INTERNAL,
          `the handler's ${method.output.typeName} breaks the contract`,
          { cause: invalidArgument(`invalid ${method.output.typeName}`, bad) },
        );
      }
    }
    const data = method.output.codec.encode(response);
    msg.respond(data, {
      headers: toMsgHdrs({
        [Header.contentType]: "application/protobuf",
        [Header.type]: method.output.typeName,
      }),
    });
  } catch (err) {
    if (!isContractError(err)) options.onError(err, service, method);
    const reply = toErrorReply(err);
    msg.respondError(reply.httpStatus, reply.description, Empty, {
      headers: toMsgHdrs(reply.headers),
    });
  } finally {
    controllers.delete(controller);
  }
}

function decodeRequest(method: Method, data: Uint8Array): unknown {
  try {
    return method.input.codec.decode(data);
  } catch (err) {
    throw new ContractError(
      Code.INVALID_ARGUMENT,
      `the request is not a valid ${method.input.typeName}`,
      { cause: err },
    );
  }
}
