import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI_BIN, runCli, tempProject } from "./run-cli.js";

const HEAD = `syntax = "proto3";
package shop.v1;
import "contractkit/v1/options.proto";
`;

// Every contract error of issue 2 reaches the user as exit 2, the file, and the check's code.
const cases: Array<{ name: string; proto: string; code: string; mentions: string[] }> = [
  {
    name: "a subject token that is not a field",
    proto: `message Sold { option (contractkit.v1.event) = { subject: "shop.{nope}.sold" }; string sku = 1; }`,
    code: "SUBJECT_TOKEN_UNKNOWN_FIELD",
    mentions: ["shop.v1.Sold", "{nope}", "sku"],
  },
  {
    name: "a subject token that is not a string, integer or enum field",
    proto: `message Sold { option (contractkit.v1.event) = { subject: "shop.{price}.sold" }; string sku = 1; double price = 2; }`,
    code: "SUBJECT_TOKEN",
    mentions: ["{price}", "sku"],
  },
  {
    name: "a sensitive subject token",
    proto: `message Sold { option (contractkit.v1.event) = { subject: "shop.{email}.sold" }; string sku = 1; string email = 2 [(contractkit.v1.field) = { sensitive: true }]; }`,
    code: "SUBJECT_TOKEN_SENSITIVE",
    mentions: ["{email}", "sensitive"],
  },
  {
    name: "two event subjects that can match the same subject",
    proto: `message A { option (contractkit.v1.event) = { subject: "orders.{id}.placed" }; string id = 1; }
message B { option (contractkit.v1.event) = { subject: "orders.vip.placed" }; string id = 1; }`,
    code: "SUBJECT_OVERLAP",
    mentions: ["orders.{id}.placed", "orders.vip.placed"],
  },
  {
    name: "a stream subject that overlaps an RPC subject",
    proto: `service Stock { option (contractkit.v1.service) = { transport: TRANSPORT_NATS, subject_prefix: "shop.stock" }; rpc Reserve(A) returns (A); }
message A { option (contractkit.v1.event) = { subject: "shop.stock.{id}", stream: "SHOP" }; string id = 1; }`,
    code: "STREAM_RPC_OVERLAP",
    mentions: ["shop.stock.Reserve"],
  },
  {
    name: "a streaming method on a NATS-transport service",
    proto: `service Stock { option (contractkit.v1.service) = { transport: TRANSPORT_NATS }; rpc Watch(A) returns (stream A); }
message A { string id = 1; }`,
    code: "NATS_STREAMING_METHOD",
    mentions: ["Watch"],
  },
  {
    name: "publishes naming something that is not an event",
    proto: `service Shop { option (contractkit.v1.service) = { publishes: ["A"] }; }
message A { string id = 1; }`,
    code: "TOPOLOGY_NOT_AN_EVENT",
    mentions: ["A"],
  },
  {
    name: "a long-running method on a gRPC-transport service",
    proto: `service Shop { rpc Ship(A) returns (A) { option (contractkit.v1.method) = { long_running: true }; } }
message A { string id = 1; }`,
    code: "LONG_RUNNING_NOT_NATS",
    mentions: ["Ship"],
  },
];

describe("contractkit generate: contract errors", () => {
  it.each(cases)("$name exits 2 naming the file and $code", async ({ proto, code, mentions }) => {
    const dir = tempProject({ "proto/shop/v1/shop.proto": HEAD + proto });
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/proto\/shop\/v1\/shop\.proto:\d+:\d+: /);
    expect(run.stderr).toContain(code);
    for (const m of mentions) expect(run.stderr).toContain(m);
    expect(existsSync(join(dir, "gen"))).toBe(false);
  });
});

describe("contractkit generate --watch", () => {
  it("regenerates when a proto changes, and keeps watching after an error", async () => {
    const dir = tempProject({
      "proto/shop/v1/shop.proto": `${HEAD}message A { string id = 1; }\n`,
    });
    const child = spawn(process.execPath, [CLI_BIN, "generate", "--watch", "--quiet"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const waitFor = async (check: () => boolean, what: string) => {
      for (let i = 0; i < 300; i++) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; output so far:\n${out}`);
    };
    const generated = join(dir, "gen/shop/v1/shop.ts");
    try {
      await waitFor(() => out.includes("watching"), "the watcher to start");
      expect(readFileSync(generated, "utf8")).not.toContain("note");
      writeFileSync(join(dir, "proto/shop/v1/shop.proto"), `${HEAD}message A { string id = 1 }\n`);
      await waitFor(() => out.includes("CK_PROTO_COMPILE"), "the compile error");
      writeFileSync(
        join(dir, "proto/shop/v1/shop.proto"),
        `${HEAD}message A { string id = 1; string note = 2; }\n`,
      );
      await waitFor(
        () => existsSync(generated) && readFileSync(generated, "utf8").includes("note"),
        "regeneration",
      );
    } finally {
      child.kill("SIGINT");
      await new Promise((r) => child.once("close", r));
    }
  });
});
