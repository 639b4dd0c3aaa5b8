import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { protocGenContractKit } from "@contractkit/protoc-gen";
import { compileToRequest, runTsProto, writeResponseFiles } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { linkNodeModules, typeCheck } from "./type-check.js";

/** The MusicCorp contracts (proto/musiccorp) pass every check, generate and type-check. */

const PROTO_ROOT = fileURLToPath(new URL("../../../proto/", import.meta.url));

async function readTree(
  root: string,
  dir = root,
  out: Record<string, string> = {},
): Promise<Record<string, string>> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await readTree(root, p, out);
    else if (e.name.endsWith(".proto")) out[relative(root, p)] = await readFile(p, "utf8");
  }
  return out;
}

let dir: string;
let written: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ck-musiccorp-"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await linkNodeModules(dir);
  const request = await compileToRequest(await readTree(PROTO_ROOT, join(PROTO_ROOT, "musiccorp")));
  written = [
    ...(await writeResponseFiles(await runTsProto(request), dir)),
    ...(await writeResponseFiles(protocGenContractKit.run(request), dir)),
  ];
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("MusicCorp contracts", () => {
  it("generate and type-check", () => {
    expect(written).toContain("musiccorp/orders/v1/orders.contract.ts");
    expect(written).toContain("musiccorp/warehouse/v1/warehouse.contract.ts");
    const files = written.filter((f) => f.endsWith(".ts")).map((f) => join(dir, f));
    expect(typeCheck(dir, files)).toEqual([]);
  });

  it("describe the topology in the manifest", async () => {
    const manifest = JSON.parse(await readFile(join(dir, "contractkit.manifest.json"), "utf8"));
    const placed = manifest.events.find(
      (e: { name: string }) => e.name === "musiccorp.orders.v1.OrderPlaced",
    );
    expect(placed.publishers).toEqual(["musiccorp.orders.v1.OrderService"]);
    expect(placed.consumers).toEqual(
      expect.arrayContaining([
        "musiccorp.warehouse.v1.WarehouseService",
        "musiccorp.loyalty.v1.LoyaltyService",
      ]),
    );
    const warehouse = manifest.services.find(
      (s: { name: string }) => s.name === "musiccorp.warehouse.v1.WarehouseService",
    );
    expect(warehouse.transport).toBe("nats");
    expect(warehouse.methods[0].subject).toBe("musiccorp.rpc.warehouse.ReserveStock");
    expect(warehouse.methods[1]).toMatchObject({
      name: "ShipOrder",
      longRunning: true,
      timeoutMs: 86_400_000,
    });
    expect(manifest.sensitive).toEqual(
      expect.arrayContaining([
        { message: "musiccorp.customer.v1.CustomerRegistered", fields: ["email"] },
      ]),
    );
  });
});
