import { Code, currentContext, isContractError } from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
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
const seenMetadata: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  contract = await loadEchoContract();
  srv = await startGrpcTestServer((s) =>
    s.addService(contract.EchoServiceService, contract.echoTable(), {
      async echo(req, ctx) {
        seenMetadata.push(ctx.metadata.getMap());
        return { text: req.text, index: 0, correlationId: currentContext()?.correlationId ?? "" };
      },
      async create(req) {
        return { text: `created ${req.text}`, index: 1, correlationId: "" };
      },
      async lookup(req) {
        return { text: req.text, index: 2, correlationId: "" };
      },
      async *count(req) {
        for (let i = 0; i < req.count; i++)
          yield { text: `${req.text}-${i}`, index: i, correlationId: "" };
      },
      async collect(requests) {
        const texts: string[] = [];
        for await (const r of requests) texts.push(r.text);
        return { text: texts.join(","), index: texts.length, correlationId: "" };
      },
      async *chat(requests) {
        let i = 0;
        for await (const r of requests)
          yield { text: r.text.toUpperCase(), index: i++, correlationId: "" };
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

describe("call kinds", () => {
  it("unary returns a Promise of the response", async () => {
    const res = await client.echo(req("hello"));
    expect(res.text).toBe("hello");
    expect(res.correlationId).not.toBe("");
  });

  it("server streaming is an AsyncIterable", async () => {
    const got: string[] = [];
    for await (const m of client.count(req("n", 4))) got.push(m.text);
    expect(got).toEqual(["n-0", "n-1", "n-2", "n-3"]);
  });

  it("breaking out of a server stream cancels the call", async () => {
    const got: number[] = [];
    for await (const m of client.count(req("n", 100))) {
      got.push(m.index);
      if (got.length === 2) break;
    }
    expect(got).toEqual([0, 1]);
  });

  it("client streaming takes an (async) iterable and returns a Promise", async () => {
    async function* source() {
      yield req("a");
      yield req("b");
      yield req("c");
    }
    const res = await client.collect(source());
    expect(res).toMatchObject({ text: "a,b,c", index: 3 });
    expect((await client.collect([req("x")])).text).toBe("x");
  });

  it("bidi streaming takes an iterable and returns an AsyncIterable", async () => {
    const got: string[] = [];
    for await (const m of client.chat([req("a"), req("b")])) got.push(`${m.index}:${m.text}`);
    expect(got).toEqual(["0:A", "1:B"]);
  });

  it("bidi streaming can be interactive: the next request depends on the last answer", async () => {
    const answers: string[] = [];
    let answered: () => void = () => {};
    async function* conversation() {
      for (const word of ["one", "two", "three"]) {
        const next = new Promise<void>((r) => {
          answered = r;
        });
        yield req(word);
        await next;
      }
    }
    for await (const m of client.chat(conversation())) {
      answers.push(m.text);
      answered();
    }
    expect(answers).toEqual(["ONE", "TWO", "THREE"]);
  });

  it("sends the envelope and a deadline on every call", async () => {
    seenMetadata.length = 0;
    await client.echo(req("meta"), { metadata: { "x-tenant": "acme" } });
    const md = seenMetadata[0] ?? {};
    expect(md["x-tenant"]).toBe("acme");
    expect(md["ce-correlationid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(md.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/);
    expect(md["grpc-timeout"] ?? md["ck-budget-ms"]).toBeDefined();
  });

  it("an AbortSignal cancels a call", async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await client.echo(req("x"), { signal: ac.signal }).catch((e: unknown) => e);
    expect(isContractError(err) && err.code).toBe(Code.CANCELLED);
  });

  it("a method missing from the contract table is a clear error", () => {
    const table = contract.echoTable();
    const { chat: _chat, ...methods } = table.methods;
    expect(() => createClient(contract.EchoServiceService, { ...table, methods }, channel)).toThrow(
      /has no method "chat" at \/cktest.echo.v1.EchoService\/Chat/,
    );
  });
});
