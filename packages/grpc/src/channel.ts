import { isIP } from "node:net";
import {
  Code,
  ContractError,
  type GrpcServiceTable,
  type MethodDefinition,
} from "@contractkit/core";
import { Client, type ChannelOptions as GrpcChannelOptions, type Interceptor } from "@grpc/grpc-js";
import { type ClientTlsOptions, createChannelCredentials } from "./credentials.js";
import { createEnvelopeInterceptor } from "./envelope-interceptor.js";
import {
  createServiceConfig,
  DEFAULT_TIMEOUT_MS,
  type ServiceConfigOptions,
} from "./service-config.js";

export interface ChannelOptions extends ServiceConfigOptions {
  /**
   * Where the servers are: `"host:port"`, any grpc target (`"dns:///orders:50051"`), or
   * several IP `"ip:port"` addresses, which are called round-robin.
   */
  address: string | readonly string[];
  /** TLS (and mTLS with a client certificate). Plaintext when omitted. */
  tls?: ClientTlsOptions;
  /** Services called through this channel; `createClient` adds its own before the first call. */
  services?: readonly GrpcServiceTable[];
  /** `ce-source` of outgoing calls, e.g. this service's name. */
  source?: string;
  /** More client interceptors, run after the envelope interceptor. */
  interceptors?: Interceptor[];
  /** Raw grpc-js channel options (keepalive, message sizes, reconnect backoff, ...). */
  grpcOptions?: GrpcChannelOptions;
}

/**
 * One connection (pool) to a set of servers, shared by the clients created on it. The
 * grpc-js service config — timeouts, retry policy, retry throttling, load balancing — is
 * generated from the contracts of the services it carries.
 *
 * Calls carrying an idempotency key to a method that is not idempotent go through a
 * second grpc-js channel, made on first use, whose service config retries every method:
 * grpc-js chooses the retry policy per method, never per call, and the key is what makes
 * such a retry safe (the server de-duplicates by key).
 */
export class GrpcChannel {
  readonly target: string;
  readonly defaultTimeoutMs: number;
  private readonly options: ChannelOptions;
  private readonly tables = new Map<string, GrpcServiceTable>();
  private readonly methods = new Map<string, MethodDefinition & { readonly path: string }>();
  private plain: Client | undefined;
  private keyed: Client | undefined;
  private closed = false;

  constructor(options: ChannelOptions) {
    this.options = options;
    this.target = toTarget(options.address);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    for (const table of options.services ?? []) this.register(table);
  }

  /** Adds a service's contract. Only possible before the first call. */
  register(table: GrpcServiceTable): void {
    if (this.tables.has(table.typeName)) return;
    if (this.plain || this.keyed) {
      throw new ContractError(
        Code.FAILED_PRECONDITION,
        `channel ${this.target}: service ${table.typeName} was added after the first call; create every client (or pass services to createChannel) before calling`,
      );
    }
    this.tables.set(table.typeName, table);
    for (const m of Object.values(table.methods)) this.methods.set(m.path, m);
  }

  /** The grpc-js client to call through: the retry-everything one for keyed calls. */
  client(withIdempotencyKey: boolean): Client {
    if (this.closed) {
      throw new ContractError(
        Code.FAILED_PRECONDITION,
        `channel ${this.target} is closed; create a new one`,
      );
    }
    if (withIdempotencyKey) {
      this.keyed ??= this.makeClient(true);
      return this.keyed;
    }
    this.plain ??= this.makeClient(false);
    return this.plain;
  }

  /** The contract of the method at a gRPC path, when its service is registered. */
  methodFor(path: string): (MethodDefinition & { readonly path: string }) | undefined {
    return this.methods.get(path);
  }

  /** Closes the connections; calls in flight are cancelled. */
  close(): void {
    this.closed = true;
    this.plain?.close();
    this.keyed?.close();
  }

  private makeClient(retryEveryMethod: boolean): Client {
    const several = typeof this.options.address !== "string" && this.options.address.length > 1;
    const serviceConfig = createServiceConfig([...this.tables.values()], {
      ...this.options,
      retryEveryMethod,
      ...(this.options.loadBalancing || several
        ? { loadBalancing: this.options.loadBalancing ?? "round_robin" }
        : {}),
    });
    const interceptor = createEnvelopeInterceptor({
      methodFor: (path) => this.methods.get(path),
      defaultTimeoutMs: this.defaultTimeoutMs,
      ...(this.options.source ? { source: this.options.source } : {}),
    });
    const grpcOptions: GrpcChannelOptions = {
      ...this.options.grpcOptions,
      "grpc.service_config": JSON.stringify(serviceConfig),
      "grpc.enable_retries": 1,
    };
    if (this.options.tls?.serverName)
      grpcOptions["grpc.ssl_target_name_override"] = this.options.tls.serverName;
    return new Client(this.target, createChannelCredentials(this.options.tls), {
      ...grpcOptions,
      interceptors: [interceptor, ...(this.options.interceptors ?? [])],
    });
  }
}

/** Creates a channel; see `GrpcChannel`. */
export function createChannel(options: ChannelOptions): GrpcChannel {
  return new GrpcChannel(options);
}

/** One address as is; several IP addresses as an `ipv4:`/`ipv6:` target list. */
function toTarget(address: string | readonly string[]): string {
  if (typeof address === "string") return address;
  if (address.length === 0)
    throw new TypeError("createChannel: `address` is an empty list; give at least one host:port");
  if (address.length === 1) return address[0] as string;
  const hosts = address.map(splitHostPort);
  const v6 = hosts.every((h) => isIP(h.host) === 6);
  if (!v6 && !hosts.every((h) => isIP(h.host) === 4)) {
    throw new TypeError(
      `createChannel: several addresses must all be IPv4 or all IPv6 literals (got ${address.join(", ")}); for host names give one DNS name that resolves to every instance, e.g. "dns:///orders:50051", with loadBalancing: "round_robin"`,
    );
  }
  return `${v6 ? "ipv6" : "ipv4"}:${address.join(",")}`;
}

function splitHostPort(address: string): { host: string; port: string } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!m) throw new TypeError(`createChannel: address "${address}" is not host:port`);
  return { host: m[1] as string, port: m[2] as string };
}
