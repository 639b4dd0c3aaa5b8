import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Starts a real `nats-server` for a test: a random port (config `port: -1`, read back
 * from the ports file), a temporary JetStream store, readiness before the promise
 * resolves, and a fast failure carrying the server's stderr when it dies. Tests never
 * use a server they did not start.
 */
export interface NatsServerOptions {
  /** Enable JetStream with a temporary store (default true). */
  jetstream?: boolean;
  /** Extra configuration text appended to the generated config (auth, tls, limits). */
  config?: string;
  /** Binary to run; default `$NATS_SERVER_BIN` or `nats-server` from PATH. */
  binary?: string;
  /** How long to wait for readiness (default 30 s). */
  readyTimeoutMs?: number;
  /** Server name (default a random one). */
  serverName?: string;
}

export interface NatsServer extends AsyncDisposable {
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  /** The configured `server_name` (what JetStream reports as a leader or peer). */
  readonly name: string;
  readonly port: number;
  /** The JetStream store directory (kept across `restart()`). */
  readonly storeDir: string;
  /** The process id while the server runs; undefined once it has exited. */
  readonly pid: number | undefined;
  /** Sends a signal (default SIGKILL) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and store; stops it first if running. */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its temporary files. */
  stop(): Promise<void>;
  /** The monitoring endpoint, `http://127.0.0.1:<port>` (`/varz`, `/jsz`). */
  readonly monitorUrl: string;
  /** The last 64 KB the server wrote to stderr. */
  stderr(): string;
}

/** Cluster wiring used by `startNatsCluster`. */
export interface ClusterWiring {
  name: string;
  port: number;
  routes: () => string[];
}

interface ServerState {
  dir: string;
  storeDir: string;
  portsDir: string;
  serverName: string;
  port: number;
  clusterPort: number;
  httpPort: number;
  proc: ChildProcess | undefined;
  exited: Promise<void> | undefined;
  stderr: string;
}

const STDERR_LIMIT = 64 * 1024;

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  return launch(options, undefined);
}

/** Starts one server; `cluster` wires it into a cluster (used by `startNatsCluster`). */
export async function launch(
  options: NatsServerOptions,
  cluster: ClusterWiring | undefined,
): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), "ck-nats-"));
  const state: ServerState = {
    dir,
    storeDir: join(dir, "store"),
    portsDir: join(dir, "ports"),
    serverName: options.serverName ?? `ck_${Math.random().toString(36).slice(2, 10)}`,
    port: -1,
    clusterPort: cluster?.port ?? -1,
    httpPort: -1,
    proc: undefined,
    exited: undefined,
    stderr: "",
  };
  const binary = options.binary ?? process.env.NATS_SERVER_BIN ?? "nats-server";
  const timeout = options.readyTimeoutMs ?? 30_000;

  const start = async () => {
    await rm(state.portsDir, { recursive: true, force: true });
    await mkdir(state.portsDir, { recursive: true });
    const conf = join(state.dir, "server.conf");
    await writeFile(conf, renderConfig(state, options, cluster));
    state.stderr = "";
    const proc = spawn(binary, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
    state.proc = proc;
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => {
      state.stderr = (state.stderr + chunk).slice(-STDERR_LIMIT);
    });
    let spawnError: Error | undefined;
    state.exited = new Promise<void>((resolve) => {
      proc.once("error", (err) => {
        spawnError = err;
        resolve();
      });
      proc.once("exit", () => resolve());
    });
    const deadline = Date.now() + timeout;
    let dead = false;
    void state.exited.then(() => {
      dead = true;
    });
    while (Date.now() < deadline) {
      if (dead) {
        if ((spawnError as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
          throw new Error(
            `${binary} not found on PATH: install it (\`apt-get install nats-server\`) or set NATS_SERVER_BIN to a nats-server 2.9+ binary`,
          );
        }
        throw new Error(
          `nats-server exited before it was ready (exit code ${proc.exitCode ?? spawnError?.message}):\n${state.stderr}`,
        );
      }
      const ports = await readPorts(state.portsDir);
      if (ports && (await canConnect(ports.port))) {
        state.port = ports.port;
        if (ports.clusterPort !== undefined) state.clusterPort = ports.clusterPort;
        if (ports.httpPort !== undefined) state.httpPort = ports.httpPort;
        return;
      }
      await delay(25);
    }
    await killProc(state, "SIGKILL");
    throw new Error(`nats-server was not ready after ${timeout} ms:\n${state.stderr}`);
  };

  await start().catch(async (err: unknown) => {
    await rm(state.dir, { recursive: true, force: true });
    throw err;
  });

  let removed = false;
  const server: NatsServer = {
    get url() {
      return `nats://127.0.0.1:${state.port}`;
    },
    get port() {
      return state.port;
    },
    name: state.serverName,
    storeDir: state.storeDir,
    get monitorUrl() {
      return `http://127.0.0.1:${state.httpPort}`;
    },
    get pid() {
      const p = state.proc;
      return p && p.exitCode === null && p.signalCode === null ? p.pid : undefined;
    },
    kill: (signal: NodeJS.Signals = "SIGKILL") => killProc(state, signal),
    async restart() {
      await killProc(state, "SIGTERM");
      await start();
    },
    async stop() {
      await killProc(state, "SIGTERM");
      if (!removed) {
        removed = true;
        await rm(state.dir, { recursive: true, force: true });
      }
    },
    stderr: () => state.stderr,
    [Symbol.asyncDispose]: () => server.stop(),
  };
  return server;
}

function renderConfig(
  state: ServerState,
  options: NatsServerOptions,
  cluster: ClusterWiring | undefined,
): string {
  const lines = [
    `server_name: ${JSON.stringify(state.serverName)}`,
    "host: 127.0.0.1",
    `port: ${state.port}`,
    `ports_file_dir: ${JSON.stringify(state.portsDir)}`,
    `http_port: ${state.httpPort}`,
  ];
  if (options.jetstream !== false) {
    lines.push(
      `jetstream { store_dir: ${JSON.stringify(state.storeDir)}, max_file_store: 1G, max_memory_store: 256M }`,
    );
  }
  if (cluster) {
    const routes = cluster.routes().map((r) => JSON.stringify(r));
    lines.push(
      `cluster { name: ${JSON.stringify(cluster.name)}, host: 127.0.0.1, port: ${state.clusterPort}, routes: [${routes.join(", ")}] }`,
    );
  }
  if (options.config) lines.push(options.config);
  return `${lines.join("\n")}\n`;
}

interface Ports {
  port: number;
  clusterPort?: number;
  httpPort?: number;
}

async function readPorts(dir: string): Promise<Ports | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  const file = names.find((n) => n.endsWith(".ports"));
  if (!file) return undefined;
  try {
    const parsed = JSON.parse(await readFile(join(dir, file), "utf8")) as Record<
      string,
      string[] | undefined
    >;
    const port = portOf(parsed.nats?.[0]);
    if (port === undefined) return undefined;
    const ports: Ports = { port };
    const clusterPort = portOf(parsed.cluster?.[0]);
    if (clusterPort !== undefined) ports.clusterPort = clusterPort;
    const httpPort = portOf(parsed.monitoring?.[0]);
    if (httpPort !== undefined) ports.httpPort = httpPort;
    return ports;
  } catch {
    return undefined; // written but not complete yet
  }
}

function portOf(url: string | undefined): number | undefined {
  const m = url ? /:(\d+)$/.exec(url) : null;
  return m ? Number(m[1]) : undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function killProc(state: ServerState, signal: NodeJS.Signals): Promise<void> {
  const proc = state.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  const exited = state.exited ?? Promise.resolve();
  if (signal !== "SIGKILL") {
    const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  } else {
    await exited;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
