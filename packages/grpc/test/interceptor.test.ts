import { Header, runWithContext } from "@contractkit/core";
import { type GrpcTestServer, startGrpcTestServer } from "@contractkit/testing";
import { credentials, Metadata, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEnvelopeInterceptor } from "../src/index.js";
import {
  type EchoContract,
  type EchoRequest,
  type EchoResponse,
  loadEchoContract,
} from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

// The interceptor on its own, on ts-proto's generated client (no ContractKit client).
let contract: EchoContract;
let srv: GrpcTestServer;
const seen: Array<{ metadata: Record<string, unknown>; deadline: number | undefined }> = [];

type EchoFn = (
  r: EchoRequest,
  md: Metadata,
  o: object,
  cb: (e: ServiceError | null, r?: EchoResponse) => void,
) => void;

beforeAll(async () => {
  contract = await loadEchoContract();
  srv = await startGrpcTestServer((s) =>
    s.addService(
      contract.EchoServiceService,
      contract.echoTable(),
      echoImpl({
        echo: async (r, ctx) => {
          seen.push({ metadata: ctx.metadata.getMap(), deadline: ctx.deadline });
          return { text: r.text, index: 0, correlationId: "" };
        },
      }),
    ),
  );
});

afterAll(async () => {
  await srv?.close();
});

async function call(
  interceptorOptions: Parameters<typeof createEnvelopeInterceptor>[0],
  md?: Metadata,
) {
  const client = new contract.EchoServiceClient(srv.address, credentials.createInsecure(), {
    interceptors: [createEnvelopeInterceptor(interceptorOptions)],
  });
  const echo = (client as unknown as { echo: EchoFn }).echo.bind(client);
  await new Promise<EchoResponse | undefined>((resolve, reject) =>
    echo({ text: "t", count: 0, sequence: "0" }, md ?? new Metadata(), {}, (e, r) =>
      e ? reject(e) : resolve(r),
    ),
  );
  client.close();
  return seen.at(-1);
}

describe("createEnvelopeInterceptor on a plain ts-proto client", () => {
  it("adds a deadline from the contract and the envelope, with the input type as ce-type", async () => {
    const start = Date.now();
    const got = await call({
      services: [contract.echoTable({ echo: 20_000 })],
      defaultTimeoutMs: 600_000,
      source: "svc-a",
    });
    expect((got?.deadline as number) - start).toBeLessThanOrEqual(30_000);
    expect(got?.metadata[Header.type]).toBe("cktest.echo.v1.EchoRequest");
    expect(got?.metadata[Header.source]).toBe("svc-a");
    expect(got?.metadata[Header.correlationId]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never sends a call without a deadline: the default applies when nothing else does", async () => {
    const got = await call({});
    expect(got?.deadline).toBeDefined();
  });

  it("inherits the context's correlation id and idempotency key; explicit metadata wins", async () => {
    const md = new Metadata();
    md.set(Header.source, "explicit");
    const got = await runWithContext({ correlationId: "corr-9", idempotencyKey: "key-1" }, () =>
      call({}, md),
    );
    expect(got?.metadata[Header.correlationId]).toBe("corr-9");
    expect(got?.metadata[Header.idempotencyKey]).toBe("key-1");
    expect(got?.metadata[Header.source]).toBe("explicit");
  });
});
