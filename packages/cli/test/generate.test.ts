import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject, writeFiles } from "./run-cli.js";

const SHOP = `syntax = "proto3";
package shop.v1;
import "contractkit/v1/options.proto";

service ShopService {
  option (contractkit.v1.service) = { publishes: ["Sold"] };
  rpc Sell(SellRequest) returns (SellResponse) { option (contractkit.v1.method) = { timeout_ms: 500 }; }
}
service StockService {
  option (contractkit.v1.service) = { transport: TRANSPORT_NATS, subject_prefix: "shop.rpc.stock" };
  rpc Reserve(SellRequest) returns (SellResponse);
}
message SellRequest { string sku = 1; int32 quantity = 2; }
message SellResponse { string sale_id = 1; }
message Sold {
  option (contractkit.v1.event) = { subject: "shop.{sku}.sold", stream: "SHOP" };
  string sku = 1;
}
`;

describe("contractkit generate", () => {
  it("writes ts-proto and ContractKit output, and prints what it wrote and how long it took", async () => {
    const dir = tempProject({ "proto/shop/v1/shop.proto": SHOP });
    const run = await runCli(["generate"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/wrote \d+ files for 1 proto file\(s\) to gen\/ in [\d.]+ s/);
    expect(run.stdout).toContain("gen/shop/v1/shop.ts");
    expect(run.stdout).toContain("gen/shop/v1/shop.contract.ts");
    const ts = readFileSync(join(dir, "gen/shop/v1/shop.ts"), "utf8");
    // ts-proto writes grpc-js code for the gRPC service only, never for the NATS one.
    expect(ts).toContain("ShopServiceService");
    expect(ts).not.toContain("StockServiceService");
    // The annotations file is imported, not generated.
    expect(existsSync(join(dir, "gen/contractkit"))).toBe(false);
    expect(existsSync(join(dir, "gen/contractkit.manifest.json"))).toBe(true);
  });

  it("--check exits 0 when fresh and 1 when stale", async () => {
    const dir = tempProject({ "proto/shop/v1/shop.proto": SHOP });
    expect((await runCli(["generate", "--quiet"], dir)).code).toBe(0);
    expect((await runCli(["generate", "--check"], dir)).code).toBe(0);
    writeFiles(dir, {
      "proto/shop/v1/shop.proto": SHOP.replace(
        "int32 quantity = 2;",
        "int32 quantity = 2; string note = 3;",
      ),
    });
    const stale = await runCli(["generate", "--check"], dir);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("shop/v1/shop.ts");
  });

  it("a syntax error exits 2 with file:line:col and leaves the previous output intact", async () => {
    const dir = tempProject({ "proto/shop/v1/shop.proto": SHOP });
    expect((await runCli(["generate", "--quiet"], dir)).code).toBe(0);
    const before = readFileSync(join(dir, "gen/shop/v1/shop.ts"), "utf8");
    writeFileSync(
      join(dir, "proto/shop/v1/shop.proto"),
      SHOP.replace("string sale_id = 1;", "string sale_id = 1"),
    );
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/proto\/shop\/v1\/shop\.proto:14:\d+: /);
    expect(run.stderr).toContain("[CK_PROTO_COMPILE]");
    expect(readFileSync(join(dir, "gen/shop/v1/shop.ts"), "utf8")).toBe(before);
  });

  it("a type error (unknown message) exits 2 naming the user's file", async () => {
    const dir = tempProject({
      "proto/shop/v1/shop.proto": SHOP.replace("returns (SellResponse) {", "returns (Nope) {"),
    });
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/proto\/shop\/v1\/shop\.proto:\d+:\d+: .*Nope/);
  });

  it("a contract error exits 2 with the user's file, the message, the token and the allowed fields", async () => {
    const dir = tempProject({
      "proto/shop/v1/shop.proto": SHOP.replace("shop.{sku}.sold", "shop.{skew}.sold"),
    });
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/proto\/shop\/v1\/shop\.proto:\d+:\d+: /);
    expect(run.stderr).toContain("skew");
    expect(run.stderr).toContain("sku");
    expect(run.stderr).toContain("[CK_CONTRACT_INVALID]");
  });

  it("refuses to replace a folder it did not write", async () => {
    const dir = tempProject({ "proto/shop/v1/shop.proto": SHOP, "gen/mine.txt": "hand-written" });
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("CK_OUT_NOT_GENERATED");
    expect(readFileSync(join(dir, "gen/mine.txt"), "utf8")).toBe("hand-written");
  });

  it("a missing proto folder exits 2 and says which", async () => {
    const dir = tempProject({ "README.md": "empty project" });
    const run = await runCli(["generate", "protos"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("proto folder not found: protos");
  });

  it("an unknown contractkit.yaml key exits 2 naming the key and the allowed keys", async () => {
    const dir = tempProject({
      "proto/shop/v1/shop.proto": SHOP,
      "contractkit.yaml": "generate:\n  output: gen\n",
    });
    const run = await runCli(["generate"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("generate.output: unknown key; allowed: module, out");
    expect(run.stderr).toContain("[CK_CONFIG_INVALID]");
  });

  it("takes module and out from contractkit.yaml", async () => {
    const dir = tempProject({
      "contracts/shop/v1/shop.proto": SHOP,
      "contractkit.yaml": "generate:\n  module: contracts\n  out: src/gen\n  schemaCheck: false\n",
    });
    const run = await runCli(["generate", "--quiet"], dir);
    expect(run.code).toBe(0);
    const contract = readFileSync(join(dir, "src/gen/shop/v1/shop.contract.ts"), "utf8");
    expect(contract).toContain("as unknown as z.ZodType<Sold>");
  });

  it("an unknown command or flag exits 2", async () => {
    const dir = tempProject({});
    expect((await runCli(["frobnicate"], dir)).code).toBe(2);
    const bad = await runCli(["generate", "--nope"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--nope");
  });
});
