import {
  type CloseResult,
  type ContractServer,
  createServer,
  type ServerOptions,
  type ServerTlsOptions,
} from "@contractkit/grpc";

export interface GrpcTestServerOptions extends ServerOptions {
  /** Serve TLS (or mTLS with `ca`). */
  tls?: ServerTlsOptions;
  /** Host to bind; default 127.0.0.1. The port is always chosen by the OS. */
  host?: string;
  /** Bind this port instead of a free one (restart tests: bring a server back where it was). */
  port?: number;
}

export interface GrpcTestServer {
  readonly server: ContractServer;
  readonly port: number;
  /** `host:port` to give a channel. */
  readonly address: string;
  /** Errors handlers threw that were not ContractErrors (sent as INTERNAL). */
  readonly errors: Array<{ path: string; error: unknown }>;
  /** Drains in-flight calls (bounded by `drainTimeoutMs`, default 2 s here) and stops. */
  close(): Promise<CloseResult>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Starts a ContractKit gRPC server on a free port for a test:
 *
 *   const srv = await startGrpcTestServer((s) => s.addService(EchoServiceService, EchoServiceGrpc, impl));
 *   ...
 *   await srv.close();
 *
 * Handler errors that are not ContractErrors are collected in `errors` instead of being
 * logged, so a test can assert on them.
 */
export async function startGrpcTestServer(
  setup: (server: ContractServer) => void,
  options: GrpcTestServerOptions = {},
): Promise<GrpcTestServer> {
  const { tls, host = "127.0.0.1", port: wanted = 0, ...serverOptions } = options;
  const errors: Array<{ path: string; error: unknown }> = [];
  const server = createServer({
    drainTimeoutMs: 2_000,
    onError: (error, path) => errors.push({ path, error }),
    ...serverOptions,
  });
  setup(server);
  const port = await server.listen(`${host}:${wanted}`, tls ? { tls } : {});
  const close = () => server.close();
  return {
    server,
    port,
    address: `${host}:${port}`,
    errors,
    close,
    async [Symbol.asyncDispose]() {
      await close();
    },
  };
}
