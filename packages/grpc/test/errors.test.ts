import {
  badRequest,
  Code,
  ContractError,
  decodeStatus,
  errorInfo,
  isContractError,
  retryInfo,
} from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
import { Client, credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ContractClient,
  createChannel,
  createClient,
  type GrpcChannel,
} from "../src/index.js";
import {
  type EchoContract,
  type EchoRequest,
  type EchoServiceDefinition,
  loadEchoContract,
} from "./fixtures/echo-contract.js";

let contract: EchoContract;
let srv: GrpcTestServer;
let channel: GrpcChannel;
let client: ContractClient<EchoServiceDefinition>;
let handled = 0;

const rich = new ContractError(Code.FAILED_PRECONDITION, "order o-1 is already shipped", {
  details: [
    badRequest([{ field: "order_id", description: "order is shipped", reason: "order.state" }]),
    errorInfo("ORDER_SHIPPED", "orders.musiccorp.example", { orderId: "o-1" }),
    retryInfo(1500),
  ],
  metadata: { "x-order-state": "shipped" },
});

beforeAll(async () => {
  contract = await loadEchoContract();
  srv = await startGrpcTestServer((s) =>
    s.addService(contract.EchoServiceService, contract.echoTable(), {
      async echo(req) {
        handled++;
        if (req.text === "rich") throw rich;
        if (req.text === "crash") throw new Error("db password is hunter2");
        return { text: req.text, index: 0, correlationId: "" };
      },
      create: async (req) => ({ text: req.text, index: 0, correlationId: "" }),
      lookup: async (req) => ({ text: req.text, index: 0, correlationId: "" }),
      async *count(req) {
        yield { text: "first", index: 0, correlationId: "" };
        if (req.text === "fail")
          throw new ContractError(Code.NOT_FOUND, "no more", {
            details: [errorInfo("GONE", "test")],
          });
      },
      async collect(requests) {
        let n = 0;
        for await (const _ of requests) n++;
        return { text: "", index: n, correlationId: "" };
      },
      async *chat(requests) {
        for await (const r of requests) yield { text: r.text, index: 0, correlationId: "" };
      },
    }),
  );
  channel = createChannel({ address: srv.address });
  client = createClient(contract.EchoServiceService, contract.echoTable(), channel);
});

afterAll(async () => {
  channel?.close();
  await srv?.close();
});

const req = (text: string, count = 0): EchoRequest => ({ text, count, sequence: "0" });

async function failure(p: Promise<unknown>): Promise<ContractError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isContractError(e)) throw new Error(`expected a ContractError, got ${String(e)}`);
  return e;
}

describe("rich errors", () => {
  it("a ContractError's code, message, details and metadata reach the client", async () => {
    const e = await failure(client.echo(req("rich")));
    expect(e.code).toBe(Code.FAILED_PRECONDITION);
    expect(e.rawMessage).toBe("order o-1 is already shipped");
    expect(e.details).toEqual(rich.details);
    expect(e.metadata["x-order-state"]).toBe("shipped");
  });

  it("travel as google.rpc.Status in grpc-status-details-bin (seen by a plain grpc-js client)", async () => {
    const raw = new Client(srv.address, credentials.createInsecure());
    const def = contract.EchoServiceService.echo;
    const err = await new Promise<ServiceError>((resolve) => {
      raw.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        req("rich"),
        new Metadata(),
        { deadline: Date.now() + 5000 },
        (e) => resolve(e as ServiceError),
      );
    });
    raw.close();
    const bin = err.metadata.get("grpc-status-details-bin")[0] as Buffer;
    const status = decodeStatus(bin);
    expect(status.code).toBe(Code.FAILED_PRECONDITION);
    expect(status.message).toBe("order o-1 is already shipped");
    expect(status.details.map((d) => d.type)).toEqual([
      "google.rpc.BadRequest",
      "google.rpc.ErrorInfo",
      "google.rpc.RetryInfo",
    ]);
  });

  it("any other error becomes INTERNAL without its message or stack, and is reported on the server", async () => {
    const before = srv.errors.length;
    const e = await failure(client.echo(req("crash")));
    expect(e.code).toBe(Code.INTERNAL);
    expect(e.rawMessage).toBe("internal error");
    expect(JSON.stringify({ m: e.message, md: e.metadata })).not.toMatch(/hunter2|at .*\.ts/);
    expect(srv.errors.length).toBe(before + 1);
    expect(String(srv.errors.at(-1)?.error)).toMatch(/hunter2/);
  });

  it("a server stream that fails after a message gives the message, then the error", async () => {
    const got: string[] = [];
    const e = await failure(
      (async () => {
        for await (const m of client.count(req("fail"))) got.push(m.text);
      })(),
    );
    expect(got).toEqual(["first"]);
    expect(e.code).toBe(Code.NOT_FOUND);
    expect(e.findDetail("google.rpc.ErrorInfo")?.reason).toBe("GONE");
  });
});

describe("validation", () => {
  it("an invalid request is INVALID_ARGUMENT with field violations, and the handler never runs", async () => {
    const before = handled;
    const e = await failure(client.echo({ text: "x".repeat(65), count: 101, sequence: "0" }));
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    const fields = e.findDetail("google.rpc.BadRequest")?.fieldViolations.map((v) => v.field);
    expect(fields).toEqual(["text", "count"]);
    expect(e.rawMessage).toMatch(/cktest.echo.v1.EchoRequest is invalid: text: .*count: /);
    expect(handled).toBe(before);
  });

  it("each message of a client stream is validated; the first bad one names its index", async () => {
    const e = await failure(
      client.collect([req("ok"), req("ok"), { text: "", count: -1, sequence: "0" }]),
    );
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.rawMessage).toMatch(/#2 is invalid: count/);
    expect(e.findDetail("google.rpc.BadRequest")?.fieldViolations[0]?.field).toBe("count");
  });

  it("server streams and bidi streams are validated too", async () => {
    const bad = { text: "", count: 1000, sequence: "0" };
    const s = await failure(
      (async () => {
        for await (const _ of client.count(bad));
      })(),
    );
    expect(s.code).toBe(Code.INVALID_ARGUMENT);
    const b = await failure(
      (async () => {
        for await (const _ of client.chat([req("fine"), bad]));
      })(),
    );
    expect(b.code).toBe(Code.INVALID_ARGUMENT);
  });
});
