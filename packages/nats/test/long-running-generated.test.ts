import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, type ContractError, type NatsServiceDefinition } from "@contractkit/core";
import { protocGenContractKit } from "@contractkit/protoc-gen";
import { generateOnce, type NatsServer, startNatsServer } from "@contractkit/testing";
import { Svcm } from "@nats-io/services";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Bus,
  connectBus,
  createLongRunningCaller,
  createRpc,
  ensureLongRunningStream,
  type HasNatsConnection,
  type LongRunningCaller,
  type LongRunningListener,
  type LongRunningOutcome,
  type LongRunningRegistration,
  type LongRunningServerOptions,
  type NatsRpcTransport,
  type RpcCallOptions,
  type RpcHandlerContext,
  type RpcRegistration,
  resolveLongRunningSettings,
  type SendOptions,
  type SentRequest,
} from "../src/index.js";
import { eventually } from "./fixtures.js";

/**
 * The generated long-running bindings: an inline contract with a request/reply method and
 * a long-running one goes through buf, protoc-gen-contractkit and ts-proto into the
 * git-ignored test/gen/, and the generated `create…LongRunningClient`,
 * `listen…Outcomes` and `register…LongRunning` run on the long-running runtime, while
 * `create…Client` / `register…` keep to request/reply.
 */
const PROTO = `syntax = "proto3";
package cktest.lr.v1;
import "buf/validate/validate.proto";
import "contractkit/v1/options.proto";

service StockService {
  option (contractkit.v1.service) = {
    transport: TRANSPORT_NATS
    subject_prefix: "cktest.rpc.lrstock"
  };
  rpc Count(CountRequest) returns (CountResponse) {
    option idempotency_level = NO_SIDE_EFFECTS;
    option (contractkit.v1.method) = {timeout_ms: 2000};
  }
  rpc Recount(RecountRequest) returns (RecountResponse) {
    option idempotency_level = IDEMPOTENT;
    option (contractkit.v1.method) = {long_running: true, timeout_ms: 600000};
  }
}

message CountRequest { string sku = 1; }
message CountResponse { string sku = 1; int32 count = 2; }
message RecountRequest { string warehouse_id = 1 [(buf.validate.field).string.min_len = 1]; }
message RecountResponse { string warehouse_id = 1; int32 counted = 2; }
`;

interface CountRequest {
  sku: string;
}
interface CountResponse {
  sku: string;
  count: number;
}
interface RecountRequest {
  warehouseId: string;
}
interface RecountResponse {
  warehouseId: string;
  counted: number;
}
interface GeneratedModule {
  StockServiceNats: NatsServiceDefinition;
  createStockServiceClient(transport: NatsRpcTransport): {
    count(request: CountRequest, options?: RpcCallOptions): Promise<CountResponse>;
  };
  registerStockService(
    transport: NatsRpcTransport,
    handlers: { count(request: CountRequest, ctx: RpcHandlerContext): CountResponse },
  ): Promise<RpcRegistration>;
  createStockServiceLongRunningClient(caller: LongRunningCaller): {
    recount(request: RecountRequest, options?: SendOptions): Promise<SentRequest>;
  };
  listenStockServiceOutcomes(
    caller: LongRunningCaller,
    handlers: { recount(outcome: LongRunningOutcome<RecountResponse>): void },
  ): Promise<LongRunningListener>;
  registerStockServiceLongRunning(
    bus: HasNatsConnection,
    handlers: {
      recount(request: RecountRequest, ctx: RpcHandlerContext): Promise<RecountResponse>;
    },
    options?: LongRunningServerOptions,
  ): Promise<LongRunningRegistration>;
}

const testDir = dirname(fileURLToPath(import.meta.url));

async function generate(): Promise<GeneratedModule> {
  const dir = await generateOnce({
    sources: { "cktest/lr/v1/stock.proto": PROTO },
    root: join(testDir, "gen"),
    plugin: protocGenContractKit,
  });
  return (await import(join(dir, "cktest/lr/v1/stock.contract.ts"))) as GeneratedModule;
}

let server: NatsServer;
let gen: GeneratedModule;
const buses: Bus[] = [];
const connect = async () => {
  const bus = await connectBus({ servers: server.url, telemetry: false });
  buses.push(bus);
  return bus;
};

beforeAll(async () => {
  [server, gen] = await Promise.all([startNatsServer(), generate()]);
  const admin = await connect();
  await ensureLongRunningStream(await admin.manager(), resolveLongRunningSettings());
});

afterAll(async () => {
  for (const b of buses) await b.close();
  await server?.stop();
});

describe("generated long-running bindings", () => {
  it("send with create…LongRunningClient, answer with register…LongRunning, take the outcome at another instance with listen…Outcomes", async () => {
    const sender = await connect();
    const client = gen.createStockServiceLongRunningClient(
      await createLongRunningCaller(sender, { caller: "planner" }),
    );
    // The generated MessageType carries the contract's rules: a bad request is not sent.
    const refused = await client.recount({ warehouseId: "" }).catch((e: unknown) => e);
    expect((refused as ContractError).code).toBe(Code.INVALID_ARGUMENT);

    const before = Date.now();
    const sent = await client.recount({ warehouseId: "w-1" }, { context: { job: "j-1" } });
    const after = Date.now();
    // The method's timeout_ms (600000) from the contract sets the deadline, not the 1 h default.
    expect(sent.deadline.getTime()).toBeGreaterThanOrEqual(before + 600_000);
    expect(sent.deadline.getTime()).toBeLessThanOrEqual(after + 600_000);
    await sender.close();

    const outcomes: Array<LongRunningOutcome<RecountResponse>> = [];
    const listener = await gen.listenStockServiceOutcomes(
      await createLongRunningCaller(await connect(), { caller: "planner" }),
      { recount: (o) => void outcomes.push(o) },
    );
    const seen: string[] = [];
    const stock = await gen.registerStockServiceLongRunning(await connect(), {
      recount: async (req, ctx) => {
        seen.push(`${req.warehouseId}:${ctx.correlationId}`);
        return { warehouseId: req.warehouseId, counted: 42 };
      },
    });
    try {
      await eventually(() => outcomes.length === 1, "the outcome at the other instance");
      const [outcome] = outcomes;
      expect(outcome?.kind).toBe("response");
      expect(outcome?.kind === "response" && outcome.response).toEqual({
        warehouseId: "w-1",
        counted: 42,
      });
      expect(outcome?.requestId).toBe(sent.requestId);
      expect(outcome?.method).toBe("recount");
      expect(outcome?.context).toEqual({ job: "j-1" });
      expect(seen).toEqual([`w-1:${sent.correlationId}`]);
    } finally {
      await stock.stop();
      await listener.stop();
    }
  });

  it("keeps long-running methods out of NATS RPC: the generated client, the registration and the transport", async () => {
    const bus = await connect();
    const rpc = createRpc(bus, { retry: false });
    const client = gen.createStockServiceClient(rpc);
    expect(Object.keys(client)).toEqual(["count"]);

    // The transport refuses a long-running method either way round.
    const called = await rpc
      .request(gen.StockServiceNats, "recount", { warehouseId: "w-1" })
      .catch((e: unknown) => e);
    expect(called).toBeInstanceOf(TypeError);
    expect(String(called)).toContain("cktest.lr.v1.StockService.Recount is long-running");
    await expect(
      rpc.serve(gen.StockServiceNats, {
        count: async () => ({ sku: "", count: 0 }),
        recount: async () => ({ warehouseId: "", counted: 0 }),
      }),
    ).rejects.toThrow(/Recount is long-running; serve it with serveLongRunning/);

    // The generated registration serves the request/reply methods only.
    const reg = await gen.registerStockService(rpc, {
      count: (req) => ({ sku: req.sku, count: 3 }),
    });
    try {
      await expect(client.count({ sku: "LP-1" })).resolves.toEqual({ sku: "LP-1", count: 3 });
      const infos = [];
      for await (const i of await new Svcm(bus.connection)
        .client()
        .info("cktest_lr_v1_StockService")) {
        infos.push(i);
      }
      expect(infos[0]?.endpoints.map((e) => e.name)).toEqual(["Count"]);
    } finally {
      await reg.stop();
    }
  });
});
