import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Manifest } from "@contractkit/core";
import { connectBus } from "@contractkit/nats";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "./run-cli.js";

// `contractkit nats plan|apply` against a real nats-server, as a user runs it.
let server: NatsServer;
let dir: string;

const event = (name: string, subject: string, consumers: string[] = []) => ({
  name: `musiccorp.orders.v1.${name}`,
  file: "musiccorp/orders/v1/orders.proto",
  subject,
  stream: "ORDERS",
  tokens: ["customer_id"],
  publishers: ["musiccorp.orders.v1.OrderService"],
  consumers,
});

function manifest(withShipped: boolean): Manifest {
  const events = [
    event("OrderPlaced", "musiccorp.orders.{customer_id}.placed", [
      "musiccorp.warehouse.v1.WarehouseService",
    ]),
  ];
  if (withShipped) events.push(event("OrderShipped", "musiccorp.orders.{customer_id}.shipped"));
  return {
    manifestVersion: 1,
    files: ["musiccorp/orders/v1/orders.proto"],
    services: [],
    events,
    streams: [
      {
        name: "ORDERS",
        subjects: events.map((e) => e.subject.replace("{customer_id}", "*")),
        events: events.map((e) => e.name),
      },
    ],
    sensitive: [],
  };
}

function write(withShipped: boolean, yaml: string) {
  writeFileSync(join(dir, "gen/contractkit.manifest.json"), JSON.stringify(manifest(withShipped)));
  writeFileSync(join(dir, "contractkit.yaml"), yaml);
}

const yaml = (storage = "file") => `nats:
  streams:
    storage: ${storage}
    duplicateWindow: 5m
    maxAge: 7d
  consumers:
    ackWait: 20s
`;

beforeAll(async () => {
  server = await startNatsServer();
  dir = tempProject({ "gen/.keep": "" });
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("contractkit nats", () => {
  it("plans, applies, and then has nothing to do", async () => {
    write(false, yaml());
    const plan = await runCli(["nats", "plan", "--server", server.url], dir);
    expect(plan.stderr).toBe("");
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("+ stream ORDERS (create)");
    expect(plan.stdout).toContain("subjects musiccorp.orders.*.placed");
    expect(plan.stdout).toContain("file storage, 1 replica(s), duplicate window 5m");
    expect(plan.stdout).toContain(
      "+ consumer ORDERS/musiccorp_warehouse_v1_WarehouseService-OrderPlaced (create)",
    );

    const apply = await runCli(["nats", "apply", "--server", server.url], dir);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain("Applied 2 change(s).");

    const bus = await connectBus({ servers: server.url });
    const jsm = await bus.manager();
    const info = await jsm.streams.info("ORDERS");
    expect(info.config.storage).toBe("file");
    expect(info.config.duplicate_window).toBe(300_000_000_000);
    const consumer = await jsm.consumers.info(
      "ORDERS",
      "musiccorp_warehouse_v1_WarehouseService-OrderPlaced",
    );
    expect(consumer.config.ack_wait).toBe(20_000_000_000);
    expect(consumer.config.filter_subject).toBe("musiccorp.orders.*.placed");
    await bus.close();

    const again = await runCli(["nats", "plan", "--server", server.url], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("= stream ORDERS (up to date)");
    expect(again.stdout).toContain("0 to create, 0 to update, 2 unchanged, 0 conflict(s)");
  });

  it("applies an additive change: a new event subject joins the stream", async () => {
    write(true, yaml());
    const plan = await runCli(["nats", "plan", "--server", server.url, "--json"], dir);
    expect(plan.code).toBe(0);
    const json = JSON.parse(plan.stdout) as {
      changes: Array<{ name: string; kind: string; details: string[] }>;
    };
    expect(json.changes[0]).toEqual({
      resource: "stream",
      name: "ORDERS",
      kind: "update",
      details: ["add subject musiccorp.orders.*.shipped"],
    });
    const apply = await runCli(["nats", "apply", "--server", server.url], dir);
    expect(apply.code).toBe(0);
    const bus = await connectBus({ servers: server.url });
    const info = await (await bus.manager()).streams.info("ORDERS");
    expect(info.config.subjects.sort()).toEqual([
      "musiccorp.orders.*.placed",
      "musiccorp.orders.*.shipped",
    ]);
    await bus.close();
  });

  it("refuses a conflicting change with the reason, and changes nothing", async () => {
    write(true, yaml("memory"));
    const plan = await runCli(["nats", "plan", "--server", server.url], dir);
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain("! stream ORDERS (conflict)");
    expect(plan.stdout).toMatch(
      /storage is file on the server and memory in the contract: the storage type of a stream cannot change/,
    );
    const apply = await runCli(["nats", "apply", "--server", server.url], dir);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain("nothing was changed [CK_NATS_CONFLICT]");
    const bus = await connectBus({ servers: server.url });
    expect((await (await bus.manager()).streams.info("ORDERS")).config.storage).toBe("file");
    await bus.close();

    write(true, `nats:\n  streams:\n    maxAge: 1d\n    duplicateWindow: 5m\n`);
    const shrink = await runCli(["nats", "apply", "--server", server.url], dir);
    expect(shrink.code).toBe(1);
    expect(shrink.stdout).toMatch(
      /max age would shrink from 7d to 1d, which deletes stored messages/,
    );
  });

  it("says what to do about bad input", async () => {
    const missing = await runCli(
      ["nats", "plan", "--server", server.url, "--manifest", "nope.json"],
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /nope\.json not found: run `contractkit generate` first, or pass --manifest FILE \[CK_MANIFEST_NOT_FOUND\]/,
    );

    write(true, "nats:\n  streams:\n    replicas: 9\n");
    const badConfig = await runCli(["nats", "plan", "--server", server.url], dir);
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toContain("nats.streams.replicas");

    write(true, yaml());
    const noServer = await runCli(["nats", "plan", "--server", "nats://127.0.0.1:1"], dir);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toMatch(
      /cannot connect to nats:\/\/127\.0\.0\.1:1.*\[CK_NATS_CONNECT\]/,
    );

    await using plain = await startNatsServer({ jetstream: false });
    const noJs = await runCli(["nats", "plan", "--server", plain.url], dir);
    expect(noJs.code).toBe(2);
    expect(noJs.stderr).toMatch(
      /JetStream is not available on .*enable it on the server.*\[CK_NATS_NO_JETSTREAM\]/,
    );

    const usage = await runCli(["nats", "destroy"], dir);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("[CK_NATS_USAGE]");
  });
});
