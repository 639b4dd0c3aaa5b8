import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, type NatsServiceDefinition } from "@contractkit/core";
import { protocGenContractKit } from "@contractkit/protoc-gen";
import { generateOnce, type NatsServer, startNatsServer } from "@contractkit/testing";
import { Svcm } from "@nats-io/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createRpc,
  type NatsRpcTransport,
  type RpcCallOptions,
  type RpcHandlerContext,
  type RpcRegistration,
} from "../src/index.js";

/**
 * The real plugin output: an inline NATS-transport contract goes through buf,
 * protoc-gen-contractkit and ts-proto (as `contractkit generate` runs them) into the
 * git-ignored test/gen/, and the generated `create…Client` / `register…` run on createRpc.
 */
const PROTO = `syntax = "proto3";
package cktest.gen.v1;
import "contractkit/v1/options.proto";

service InventoryService {
  option (contractkit.v1.service) = {
    transport: TRANSPORT_NATS
    subject_prefix: "cktest.rpc.inventory"
  };
  rpc Count(CountRequest) returns (CountResponse) {
    option idempotency_level = NO_SIDE_EFFECTS;
    option (contractkit.v1.method) = {timeout_ms: 2000};
  }
}

message CountRequest { string sku = 1; }
message CountResponse { string sku = 1; int32 count = 2; }
`;

interface CountRequest {
  sku: string;
}
interface CountResponse {
  sku: string;
  count: number;
}
interface GeneratedModule {
  InventoryServiceNats: NatsServiceDefinition;
  createInventoryServiceClient(transport: NatsRpcTransport): {
    count(request: CountRequest, options?: RpcCallOptions): Promise<CountResponse>;
  };
  registerInventoryService(
    transport: NatsRpcTransport,
    handlers: {
      count(request: CountRequest, ctx: RpcHandlerContext): Promise<CountResponse> | CountResponse;
    },
  ): Promise<RpcRegistration>;
}

const testDir = dirname(fileURLToPath(import.meta.url));

async function generate(): Promise<GeneratedModule> {
  const dir = await generateOnce({
    sources: { "cktest/gen/v1/inventory.proto": PROTO },
    root: join(testDir, "gen"),
    plugin: protocGenContractKit,
  });
  return (await import(join(dir, "cktest/gen/v1/inventory.contract.ts"))) as GeneratedModule;
}

let server: NatsServer;
let bus: Bus;
let gen: GeneratedModule;

beforeAll(async () => {
  [server, gen] = await Promise.all([startNatsServer({ jetstream: false }), generate()]);
  bus = await connectBus({ servers: server.url, name: "rpc-generated" });
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

describe("generated NATS service bindings", () => {
  it("serve and call through the plugin's create…Client and register…", async () => {
    const rpc = createRpc(bus);
    const method = gen.InventoryServiceNats.methods.count;
    expect(method?.subject).toBe("cktest.rpc.inventory.Count");
    const reg = await gen.registerInventoryService(rpc, {
      count: (req, ctx) => ({
        sku: req.sku,
        count: Number(ctx.headers["ck-budget-ms"]) > 0 ? 7 : 0,
      }),
    });
    try {
      const inventory = gen.createInventoryServiceClient(rpc);
      await expect(inventory.count({ sku: "LP-1" })).resolves.toEqual({ sku: "LP-1", count: 7 });
      // The default queue group is the service's full name, which micro accepts per endpoint.
      const infos = [];
      for await (const i of await new Svcm(bus.connection)
        .client()
        .info("cktest_gen_v1_InventoryService")) {
        infos.push(i);
      }
      expect(infos[0]?.endpoints[0]).toMatchObject({
        name: "Count",
        queue_group: "cktest.gen.v1.InventoryService",
        metadata: {
          "contractkit.input_type": "cktest.gen.v1.CountRequest",
          "contractkit.output_type": "cktest.gen.v1.CountResponse",
          "contractkit.idempotency": "NO_SIDE_EFFECTS",
          "contractkit.timeout_ms": "2000",
        },
      });
    } finally {
      await reg.stop();
    }
    const err = await gen
      .createInventoryServiceClient(createRpc(bus, { retry: false }))
      .count({ sku: "LP-1" })
      .catch((e: { code?: number }) => e);
    expect((err as { code?: number }).code).toBe(Code.UNAVAILABLE);
  });
});
