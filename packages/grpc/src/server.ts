import { Code, ContractError, type GrpcServiceTable } from "@contractkit/core";
import {
  type ServerOptions as GrpcServerOptions,
  Server,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { HealthImplementation, type ServingStatus } from "grpc-health-check";
import { createServerCredentials, type ServerTlsOptions } from "./credentials.js";
import type { MethodDefinitionLike, ServiceDefinitionLike } from "./definition-types.js";
import type { StartedCall } from "./handler-context.js";
import { type CallTracker, type ServiceImplementation, wrapHandler } from "./handlers.js";
import { createReflection } from "./reflection.js";

export interface ServerOptions {
  /** How long `close()` waits for in-flight calls before cancelling them. Default 10 s. */
  drainTimeoutMs?: number;
  /** The standard health service (grpc.health.v1). Default on. */
  health?: boolean;
  /** The reflection service (grpcurl, grpcui). Default on. */
  reflection?: boolean;
  /** Validate responses too (a bad one becomes INTERNAL). Default off. */
  validateResponses?: boolean;
  /** Errors that are not ContractErrors (sent as INTERNAL); default: logged to stderr. */
  onError?: (error: unknown, path: string) => void;
  /** Raw grpc-js server options. */
  grpcOptions?: GrpcServerOptions;
}

export interface ListenOptions {
  /** TLS, and mTLS with `ca`; plaintext when omitted. */
  tls?: ServerTlsOptions;
}

export interface CloseResult {
  /** True when calls were still running at the bound and were cancelled. */
  forced: boolean;
}

/**
 * A gRPC server for contract services: handlers are async functions (async generators
 * for response streams), requests are validated against the contract, errors become
 * statuses with rich details, and shutdown drains in-flight calls within a bound.
 */
export class ContractServer {
  /** The underlying grpc-js server. */
  readonly grpc: Server;
  /** Health service: `health.setStatus(name, "NOT_SERVING")`. */
  readonly health: HealthImplementation;
  private readonly options: ServerOptions;
  private readonly tables: GrpcServiceTable[] = [];
  private readonly inFlight = new Set<StartedCall>();
  private readonly tracker: CallTracker;
  private reflectionAdded = false;
  private closing: Promise<CloseResult> | undefined;

  constructor(options: ServerOptions = {}) {
    this.options = options;
    this.grpc = new Server(options.grpcOptions);
    this.health = new HealthImplementation({ "": "SERVING" });
    if (options.health !== false) this.health.addToServer(this.grpc);
    const onError =
      options.onError ??
      ((error: unknown, path: string) =>
        console.error(`[contractkit/grpc] ${path} failed:`, error));
    this.tracker = {
      begin: (call) => this.inFlight.add(call),
      end: (call) => this.inFlight.delete(call),
      onError: (error, method) => onError(error, method.path),
      validateResponses: options.validateResponses === true,
    };
  }

  /** Serves a service: ts-proto's definition, the contract table, and the handlers. */
  addService<D extends ServiceDefinitionLike<D>>(
    definition: D,
    table: GrpcServiceTable,
    impl: ServiceImplementation<D>,
  ): this {
    if (this.reflectionAdded) {
      throw new ContractError(
        Code.FAILED_PRECONDITION,
        `addService(${table.typeName}) after listen(); add every service first`,
      );
    }
    const handlers: UntypedServiceImplementation = {};
    for (const [name, def] of Object.entries(definition as Record<string, MethodDefinitionLike>)) {
      const method = table.methods[name];
      const fn = (impl as Record<string, unknown>)[name];
      if (!method || method.path !== def.path) {
        throw new TypeError(
          `addService: ${table.typeName} has no method "${name}" at ${def.path} in its GrpcServiceTable; regenerate the contract`,
        );
      }
      if (typeof fn !== "function") {
        throw new TypeError(
          `addService: the implementation of ${table.typeName} has no handler "${name}" (${def.path})`,
        );
      }
      handlers[name] = wrapHandler(def, method, fn.bind(impl), this.tracker);
    }
    this.grpc.addService(definition as never, handlers);
    this.tables.push(table);
    this.health.setStatus(table.typeName, "SERVING");
    return this;
  }

  /** Binds an address (default `127.0.0.1:0`) and resolves with the port. */
  async listen(address = "127.0.0.1:0", options: ListenOptions = {}): Promise<number> {
    if (!this.reflectionAdded) {
      this.reflectionAdded = true;
      if (this.options.reflection !== false && this.tables.length > 0)
        createReflection(this.tables).addToServer(this.grpc);
    }
    const credentials = createServerCredentials(options.tls);
    return new Promise((resolve, reject) => {
      this.grpc.bindAsync(address, credentials, (error, port) => {
        if (error)
          reject(
            new ContractError(Code.UNAVAILABLE, `cannot listen on ${address}: ${error.message}`, {
              cause: error,
            }),
          );
        else resolve(port);
      });
    });
  }

  /** Calls being handled right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Graceful shutdown: health turns NOT_SERVING, new calls are refused, in-flight calls
   * may finish for up to `drainTimeoutMs`; then their signals fire and they are cut.
   */
  close(timeoutMs = this.options.drainTimeoutMs ?? 10_000): Promise<CloseResult> {
    this.closing ??= new Promise<CloseResult>((resolve) => {
      this.setAllStatus("NOT_SERVING");
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        const reason = new ContractError(Code.UNAVAILABLE, "the server is shutting down");
        for (const call of this.inFlight) call.abort(reason);
        this.grpc.forceShutdown();
        resolve({ forced: true });
      }, timeoutMs);
      this.grpc.tryShutdown(() => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ forced: false });
      });
    });
    return this.closing;
  }

  private setAllStatus(status: ServingStatus): void {
    this.health.setStatus("", status);
    for (const t of this.tables) this.health.setStatus(t.typeName, status);
  }
}

/** Creates a server; see `ContractServer`. */
export function createServer(options: ServerOptions = {}): ContractServer {
  return new ContractServer(options);
}
