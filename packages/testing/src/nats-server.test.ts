import { existsSync } from "node:fs";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startNatsCluster, waitForMetaLeader } from "./nats-cluster.js";
import { startNatsServer } from "./nats-server.js";

const reachable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

describe("startNatsServer", () => {
  it("starts on a random port with a temporary JetStream store, restarts on the same port and store", async () => {
    const server = await startNatsServer();
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.port).not.toBe(4222);
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      expect(await reachable(server.port)).toBe(true);
      const jsz = (await (await fetch(`${server.monitorUrl}/jsz`)).json()) as {
        config?: { store_dir?: string };
      };
      expect(jsz.config?.store_dir).toContain(server.storeDir);
      const port = server.port;
      await server.kill("SIGKILL");
      expect(server.pid).toBeUndefined();
      expect(await reachable(port)).toBe(false);
      await server.restart();
      expect(server.port).toBe(port);
      expect(await reachable(port)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it("is disposable with `await using`", async () => {
    let port = 0;
    {
      await using server = await startNatsServer({ jetstream: false });
      port = server.port;
      expect(await reachable(port)).toBe(true);
    }
    expect(await reachable(port)).toBe(false);
  });

  it("fails fast with the server's stderr when it cannot start", async () => {
    const err = await startNatsServer({ config: "jetstream { max_file_store: lots }" }).catch(
      (e: unknown) => e,
    );
    expect(String(err)).toMatch(/nats-server exited before it was ready \(exit code 1\)/);
    expect(String(err)).toMatch(/max_file_store|lots|parse/i);
  });

  it("says so when the binary is missing", async () => {
    await expect(startNatsServer({ binary: "nats-server-that-does-not-exist" })).rejects.toThrow(
      /nats-server-that-does-not-exist not found on PATH: install it \(`apt-get install nats-server`\)/,
    );
  });
});

describe("startNatsCluster", () => {
  it("forms a three-node JetStream cluster on loopback that survives a node restart", async () => {
    await using cluster = await startNatsCluster({ size: 3 });
    expect(cluster.urls).toHaveLength(3);
    const routes = await Promise.all(
      cluster.servers.map(
        async (s) =>
          ((await (await fetch(`${s.monitorUrl}/routez`)).json()) as { num_routes: number })
            .num_routes,
      ),
    );
    expect(routes.every((n) => n >= 2)).toBe(true);
    const [first] = cluster.servers;
    if (!first) throw new Error("no node");
    const port = first.port;
    await first.kill();
    await first.restart();
    expect(first.port).toBe(port);
    const leader = await waitForMetaLeader(cluster.servers);
    expect(cluster.servers.map((s) => s.name)).toContain(leader);
  });
});
