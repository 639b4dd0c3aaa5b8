import { type AddressInfo, createServer, type Server } from "node:net";
import {
  type ClusterWiring,
  delay,
  launch,
  type NatsServer,
  type NatsServerOptions,
} from "./nats-server.js";

export interface NatsCluster extends AsyncDisposable {
  readonly servers: readonly NatsServer[];
  /** Client URLs of every node. */
  readonly urls: string[];
  stop(): Promise<void>;
}

export interface NatsClusterOptions extends Omit<NatsServerOptions, "serverName"> {
  /** Number of nodes (default 3). */
  size?: number;
}

/**
 * A cluster of `size` nodes on loopback, each with its own store, routed to each other.
 * Resolves once JetStream has a meta leader. A restarted node keeps its ports and store.
 */
export async function startNatsCluster(options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const name = `ck_cluster_${Math.random().toString(36).slice(2, 8)}`;
  // JetStream clustering needs every node's routes in its config at first start, so the
  // route ports are chosen up front (the OS picks free ones); client ports stay random.
  const routePorts = await freePorts(size);
  const servers: NatsServer[] = [];
  try {
    for (let i = 0; i < size; i++) {
      const wiring: ClusterWiring = {
        name,
        port: routePorts[i] as number,
        routes: () =>
          routePorts.filter((_, j) => j !== i).map((p) => `nats-route://127.0.0.1:${p}`),
      };
      servers.push(await launch({ ...options, serverName: `${name}_n${i + 1}` }, wiring));
    }
    if (options.jetstream !== false)
      await waitForMetaLeader(servers, options.readyTimeoutMs ?? 60_000);
  } catch (err) {
    await Promise.all(servers.map((s) => s.stop()));
    throw err;
  }
  const cluster: NatsCluster = {
    servers,
    urls: servers.map((s) => s.url),
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
    },
    [Symbol.asyncDispose]: () => cluster.stop(),
  };
  return cluster;
}

/** Waits until every running node reports the same JetStream meta leader. */
export async function waitForMetaLeader(
  servers: readonly NatsServer[],
  timeoutMs = 60_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const leaders = await Promise.all(
      servers
        .filter((s) => s.pid !== undefined)
        .map(async (s) => {
          try {
            const res = await fetch(`${s.monitorUrl}/jsz`);
            const body = (await res.json()) as {
              meta_cluster?: { leader?: string; cluster_size?: number };
            };
            return body.meta_cluster?.leader ?? "";
          } catch (err) {
            last = String(err);
            return "";
          }
        }),
    );
    const first = leaders[0];
    if (first && leaders.every((l) => l === first)) return first;
    await delay(100);
  }
  throw new Error(`the JetStream cluster elected no meta leader within ${timeoutMs} ms ${last}`);
}

async function freePorts(count: number): Promise<number[]> {
  const listeners = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const srv = createServer();
          srv.once("error", reject);
          srv.listen(0, "127.0.0.1", () => resolve(srv));
        }),
    ),
  );
  const ports = listeners.map((l) => (l.address() as AddressInfo).port);
  await Promise.all(listeners.map((l) => new Promise((resolve) => l.close(resolve))));
  return ports;
}
