import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import { protocGenContractKit } from "@contractkit/protoc-gen";
import {
  compileToRequest,
  type ProtoSources,
  runTsProto,
  writeResponseFiles,
} from "@contractkit/testing";
import { describe, expect, it } from "vitest";
import { responseFiles } from "./generate-helpers.js";
import { linkNodeModules, typeCheck } from "./type-check.js";

/**
 * Golden tests: the plugin runs in-process on inline protos; every output file must equal
 * the committed file under test/golden/<case>/. `UPDATE_GOLDEN=1` rewrites them.
 */

const GOLDEN = fileURLToPath(new URL("../../../test/golden/", import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === "1";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.push(relative(dir, p));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Every case's request and output, type-checked together at the end. */
const generated: { request: CodeGeneratorRequest; files: Map<string, string> }[] = [];

async function expectGolden(
  name: string,
  sources: ProtoSources,
  parameter = "",
): Promise<Map<string, string>> {
  const request = await compileToRequest(sources, { parameter });
  const files = responseFiles(protocGenContractKit.run(request));
  generated.push({ request, files });
  const dir = join(GOLDEN, name);
  if (UPDATE) {
    await rm(dir, { recursive: true, force: true });
    for (const [file, content] of files) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), content);
    }
  }
  expect(await listFiles(dir), `golden files of ${name} (UPDATE_GOLDEN=1 rewrites them)`).toEqual(
    [...files.keys()].sort(),
  );
  for (const [file, content] of files) {
    const golden = await readFile(join(dir, file), "utf8");
    expect(content, `${name}/${file} differs from its golden (UPDATE_GOLDEN=1 rewrites it)`).toBe(
      golden,
    );
  }
  return files;
}

const options = 'import "contractkit/v1/options.proto";';

describe("golden output", () => {
  it("events: string, integer, int64 and enum tokens; streams and core NATS", async () => {
    const files = await expectGolden("events", {
      "acme/events/v1/events.proto": `syntax = "proto3";

package acme.events.v1;

${options}

enum Region {
  REGION_UNSPECIFIED = 0;
  REGION_EU = 1;
}

// An order was placed.
message OrderPlaced {
  option (contractkit.v1.event) = {
    subject: "acme.orders.{region}.{customer_id}.placed"
    stream: "ORDERS"
  };
  string order_id = 1;
  string customer_id = 2;
  Region region = 3;
  string email = 4 [(contractkit.v1.field) = {sensitive: true}];
}

message ShardMoved {
  option (contractkit.v1.event) = {subject: "acme.shards.{shard}.{epoch}.{state}.moved"};
  enum State {
    STATE_UNSPECIFIED = 0;
    STATE_DONE = 1;
  }
  uint32 shard = 1;
  int64 epoch = 2;
  State state = 3;
}

message Heartbeat {
  option (contractkit.v1.event) = {subject: "acme.heartbeat", stream: "OPS"};
}
`,
    });
    expect([...files.keys()].sort()).toEqual([
      "acme/events/v1/events.contract.ts",
      "contractkit.manifest.json",
    ]);
  });

  it("a gRPC service: method table with streaming kinds, timeouts, idempotency, reflection", async () => {
    await expectGolden(
      "grpc-service",
      {
        "acme/catalog/v1/catalog.proto": `syntax = "proto3";

package acme.catalog.v1;

${options}
import "google/protobuf/empty.proto";

service CatalogService {
  rpc GetItem(GetItemRequest) returns (Item) {
    option idempotency_level = NO_SIDE_EFFECTS;
    option (contractkit.v1.method) = {timeout_ms: 250};
  }
  rpc PutItem(Item) returns (google.protobuf.Empty) {
    option idempotency_level = IDEMPOTENT;
  }
  rpc WatchItems(google.protobuf.Empty) returns (stream Item);
  rpc Import(stream Item) returns (ImportSummary);
  rpc Sync(stream Item) returns (stream Item);
}

message GetItemRequest {
  string sku = 1;
}

message Item {
  string sku = 1;
  optional string title = 2;
  map<string, int64> stock_by_site = 3;
}

message ImportSummary {
  uint32 imported = 1;
}
`,
      },
      "manifest=false",
    );
  });

  it("a NATS service: definition, client factory and handler registration", async () => {
    await expectGolden(
      "nats-service",
      {
        "acme/stock/v1/stock.proto": `syntax = "proto3";

package acme.stock.v1;

${options}

service StockService {
  option (contractkit.v1.service) = {
    transport: TRANSPORT_NATS
    subject_prefix: "acme.rpc.stock"
    queue_group: "stock"
  };
  rpc Reserve(ReserveRequest) returns (ReserveResponse) {
    option idempotency_level = IDEMPOTENT;
    option (contractkit.v1.method) = {timeout_ms: 1000};
  }
  rpc Rebuild(ReserveRequest) returns (ReserveResponse);
}

message ReserveRequest {
  string order_id = 1;
  repeated Line lines = 2;
  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
}

message ReserveResponse {
  oneof result {
    string reservation_id = 1;
    string shortage_sku = 2;
  }
}
`,
      },
      "manifest=false",
    );
  });

  it("long-running methods: sender, outcomes and responder; left out of the RPC bindings", async () => {
    const files = await expectGolden(
      "long-running",
      {
        "acme/stock/v1/stock.proto": `syntax = "proto3";

package acme.stock.v1;

${options}
import "google/protobuf/empty.proto";

// Request/reply and long-running methods side by side.
service StockService {
  option (contractkit.v1.service) = {
    transport: TRANSPORT_NATS
    subject_prefix: "acme.rpc.stock"
  };
  rpc Reserve(ReserveRequest) returns (ReserveResponse) {
    option (contractkit.v1.method) = {timeout_ms: 1000};
  }
  rpc Recount(RecountRequest) returns (RecountResponse) {
    option idempotency_level = IDEMPOTENT;
    option (contractkit.v1.method) = {long_running: true, timeout_ms: 3600000};
  }
  rpc Audit(google.protobuf.Empty) returns (RecountResponse) {
    option (contractkit.v1.method) = {long_running: true};
  }
}

// Long-running methods only: no request/reply client or registration.
service RestockService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS};
  rpc Restock(RecountRequest) returns (google.protobuf.Empty) {
    option (contractkit.v1.method) = {long_running: true};
  }
}

message ReserveRequest {
  string order_id = 1;
}

message ReserveResponse {
  string reservation_id = 1;
}

message RecountRequest {
  string warehouse_id = 1;
}

message RecountResponse {
  int32 counted = 1;
}
`,
      },
      "manifest=false",
    );
    const out = files.get("acme/stock/v1/stock.contract.ts") ?? "";
    // Long-running methods never reach the request/reply bindings.
    const rpcClient = /export interface StockServiceClient \{[^}]*\}/.exec(out)?.[0];
    expect(rpcClient).toContain("reserve(");
    expect(rpcClient).not.toContain("recount(");
    expect(out).not.toContain("createRestockServiceClient");
    expect(out).not.toContain("registerRestockService(");
    expect(out).toContain("export function registerRestockServiceLongRunning(");
  });

  it("the manifest: services, events, streams, sensitive fields, publishers and consumers", async () => {
    const files = await expectGolden("manifest", {
      "acme/orders/v1/orders.proto": `syntax = "proto3";

package acme.orders.v1;

${options}

service OrderService {
  option (contractkit.v1.service) = {
    publishes: ["OrderPlaced"]
    consumes: ["acme.shipping.v1.Shipped"]
  };
  rpc Place(OrderPlaced) returns (OrderPlaced) {
    option (contractkit.v1.method) = {timeout_ms: 2000};
  }
}

message OrderPlaced {
  option (contractkit.v1.event) = {subject: "acme.orders.{customer_id}.placed", stream: "ORDERS"};
  string customer_id = 1;
  string card = 2 [(contractkit.v1.field) = {sensitive: true}];
}
`,
      "acme/shipping/v1/shipping.proto": `syntax = "proto3";

package acme.shipping.v1;

${options}

service ShippingService {
  option (contractkit.v1.service) = {
    transport: TRANSPORT_NATS
    publishes: ["Shipped", "Delayed"]
    consumes: ["acme.orders.v1.OrderPlaced"]
  };
  rpc Quote(Shipped) returns (Shipped);
}

// Consumes only: no methods.
service AuditService {
  option (contractkit.v1.service) = {consumes: ["acme.orders.v1.OrderPlaced", "Shipped"]};
}

message Shipped {
  option (contractkit.v1.event) = {subject: "acme.shipping.{order_id}.shipped", stream: "SHIPPING"};
  string order_id = 1;
}

message Delayed {
  option (contractkit.v1.event) = {subject: "acme.shipping.{order_id}.delayed", stream: "SHIPPING"};
  string order_id = 1;
}
`,
    });
    const manifest = JSON.parse(files.get("contractkit.manifest.json") ?? "{}");
    expect(
      manifest.events.map((e: { name: string; consumers: string[] }) => [e.name, e.consumers]),
    ).toEqual([
      [
        "acme.orders.v1.OrderPlaced",
        ["acme.shipping.v1.ShippingService", "acme.shipping.v1.AuditService"],
      ],
      [
        "acme.shipping.v1.Shipped",
        ["acme.orders.v1.OrderService", "acme.shipping.v1.AuditService"],
      ],
      ["acme.shipping.v1.Delayed", []],
    ]);
  });

  it("the golden files type-check with ts-proto's output (strict, exactOptionalPropertyTypes)", async () => {
    expect(generated).toHaveLength(5);
    const dir = await mkdtemp(join(tmpdir(), "ck-golden-"));
    try {
      await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
      await linkNodeModules(dir);
      const names = new Set<string>();
      for (const { request, files } of generated) {
        for (const n of await writeResponseFiles(await runTsProto(request), dir)) names.add(n);
        for (const [file, content] of files) {
          if (!file.endsWith(".ts")) continue;
          await mkdir(dirname(join(dir, file)), { recursive: true });
          await writeFile(join(dir, file), content);
          names.add(file);
        }
      }
      const ts = [...names].filter((n) => n.endsWith(".ts")).map((n) => join(dir, n));
      expect(typeCheck(dir, ts)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
