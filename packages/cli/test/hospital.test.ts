import { rmSync } from "node:fs";
import { BinaryReader, BinaryWriter } from "@bufbuild/protobuf/wire";
import { Code, ContractError, defineEvent } from "@contractkit/core";
import { type Bus, connectBus } from "@contractkit/nats";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import { runCli, tempProject } from "./run-cli.js";

// `contractkit hospital` against a real nats-server, as an operator runs it: the dead
// letters come from a real subscriber, `show` decodes with the project's protos.
const PROTO = `syntax = "proto3";
package shop.v1;
import "contractkit/v1/options.proto";

message Address {
  string street = 1 [(contractkit.v1.field) = {sensitive: true}];
  string city = 2;
}

message CustomerJoined {
  option (contractkit.v1.event) = {subject: "shop.customers.{customer_id}.joined", stream: "SHOP"};
  string customer_id = 1;
  string email = 2 [(contractkit.v1.field) = {sensitive: true}];
  repeated Address addresses = 3;
}
`;

interface CustomerJoined {
  customerId: string;
  email: string;
  addresses: Array<{ street: string; city: string }>;
}

/** Hand-written protobuf codec of shop.v1.CustomerJoined (what ts-proto would generate). */
const codec = {
  encode(m: CustomerJoined): Uint8Array {
    const w = new BinaryWriter();
    w.uint32(10).string(m.customerId).uint32(18).string(m.email);
    for (const a of m.addresses)
      w.uint32(26).fork().uint32(10).string(a.street).uint32(18).string(a.city).join();
    return w.finish();
  },
  decode(bytes: Uint8Array): CustomerJoined {
    const r = new BinaryReader(bytes);
    const m: CustomerJoined = { customerId: "", email: "", addresses: [] };
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) m.customerId = r.string();
      else if (tag >>> 3 === 2) m.email = r.string();
      else r.skip(tag & 7);
    }
    return m;
  },
};

const Joined = defineEvent<CustomerJoined, "customerId">({
  typeName: "shop.v1.CustomerJoined",
  subjectTemplate: "shop.customers.{customer_id}.joined",
  stream: "SHOP",
  tokens: [{ field: "customer_id", key: "customerId", kind: "string" }],
  codec,
  schema: z.object({
    customerId: z.string().min(1),
    email: z.string(),
    addresses: z.array(z.any()),
  }) as z.ZodType<CustomerJoined>,
  sensitiveFields: ["email", "addresses[*].street"],
});

const manifest = (subject: string) =>
  JSON.stringify({
    manifestVersion: 1,
    files: ["shop/v1/shop.proto"],
    services: [],
    events: [
      {
        name: "shop.v1.CustomerJoined",
        file: "shop/v1/shop.proto",
        subject,
        stream: "SHOP",
        tokens: ["customer_id"],
        publishers: [],
        consumers: ["shop.loyalty.v1.LoyaltyService"],
      },
    ],
    streams: [
      {
        name: "SHOP",
        subjects: [subject.replace("{customer_id}", "*")],
        events: ["shop.v1.CustomerJoined"],
      },
    ],
    sensitive: [],
  });

let server: NatsServer;
let bus: Bus;
let dir: string;
const cli = (...args: string[]) => runCli(["hospital", ...args, "--server", server.url], dir);

beforeAll(async () => {
  server = await startNatsServer();
  dir = tempProject({
    "proto/shop/v1/shop.proto": PROTO,
    "gen/contractkit.manifest.json": manifest("shop.customers.{customer_id}.joined"),
  });
  bus = await connectBus({ servers: server.url, deadLetters: true, telemetry: false });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const settle = async (what: string, check: () => Promise<boolean>) => {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("contractkit hospital", () => {
  it("lists, shows redacted, replays to the failed consumer only, and discards with an audit trail", async () => {
    const refused = await runCli(["hospital", "list", "--server", server.url], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("[CK_HOSPITAL_NOT_PROVISIONED]");
    const init = await cli("init");
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("Replay consumers: 1 created, 0 already there.");
    const jsm = await bus.manager();
    const replayConsumer = await jsm.consumers.info(
      "CK_REPLAY",
      "SHOP_shop_loyalty_v1_LoyaltyService-CustomerJoined",
    );
    expect(replayConsumer.config.filter_subject).toBe(
      "ck.replay.SHOP.shop_loyalty_v1_LoyaltyService-CustomerJoined",
    );
    await bus.ensureStreams([Joined]);

    let broken = true;
    const loyalty: string[] = [];
    const mailer: string[] = [];
    await bus.subscribe(
      Joined,
      (m) => {
        loyalty.push(m.customerId);
        if (broken)
          throw new ContractError(Code.FAILED_PRECONDITION, `no tier for ${m.customerId}`);
      },
      { durable: "loyalty" },
    );
    await bus.subscribe(Joined, (m) => void mailer.push(m.customerId), { durable: "mailer" });
    const joined = (id: string) => ({
      customerId: id,
      email: `${id}@example.com`,
      addresses: [{ street: "1 Secret Lane", city: "Leeds" }],
    });
    await bus.publish(Joined, joined("c-1"));
    await bus.publish(Joined, joined("c-2"));
    const listed = async () =>
      JSON.parse((await cli("list", "--json", "--consumer", "loyalty")).stdout) as Array<{
        seq: number;
        customerId?: string;
        subject: string;
      }>;
    await settle("two dead letters", async () => (await listed()).length === 2);
    const [first, second] = await listed();

    const text = await cli("list", "--type", "CustomerJoined", "--error", "FAILED_PRECONDITION");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "shop.v1.CustomerJoined\tSHOP/loyalty\thandler FAILED_PRECONDITION: no tier for c-1",
    );
    expect((await cli("list", "--consumer", "mailer")).stdout).toContain("No dead letters.");

    const show = await cli("show", String(first?.seq));
    expect(show.stderr).toBe("");
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("redacted: email, addresses[*].street");
    expect(show.stdout).toContain('"customerId": "c-1"');
    expect(show.stdout).toContain('"city": "Leeds"');
    expect(show.stdout).not.toContain("example.com");
    expect(show.stdout).not.toContain("Secret Lane");

    broken = false;
    const replay = await cli(
      "replay",
      String(first?.seq),
      "--by",
      "ops-bot",
      "--reason",
      "tier table fixed",
    );
    expect(replay.code).toBe(0);
    await settle("replay handled", async () => loyalty.filter((c) => c === "c-1").length === 2);
    expect(mailer.filter((c) => c === "c-1")).toHaveLength(1);

    const noReason = await cli("discard", String(second?.seq));
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain("[CK_HOSPITAL_USAGE]");
    const discard = await cli(
      "discard",
      String(second?.seq),
      "--by",
      "alice",
      "--reason",
      "test customer",
    );
    expect(discard.code).toBe(0);
    expect(await listed()).toEqual([]);

    const audit = JSON.parse((await cli("audit", "--json")).stdout) as Array<{
      action: string;
      by: string;
      reason: string;
      seq: number;
    }>;
    expect(audit.map(({ action, by, reason, seq }) => ({ action, by, reason, seq }))).toEqual([
      { action: "replay", by: "ops-bot", reason: "tier table fixed", seq: first?.seq },
      { action: "discard", by: "alice", reason: "test customer", seq: second?.seq },
    ]);
    const missing = await cli("show", String(second?.seq));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("[CK_HOSPITAL_NOT_FOUND]");
  });

  it("refuses a contract whose subjects overlap the hospital's", async () => {
    const other = tempProject({
      "gen/contractkit.manifest.json": manifest("ck.dlq.{customer_id}.joined"),
    });
    try {
      const run = await runCli(["hospital", "init", "--server", server.url], other);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("[CK_HOSPITAL_OVERLAP]");
      expect(run.stderr).toContain('"ck.dlq.*.joined" overlaps the hospital');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
