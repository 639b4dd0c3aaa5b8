import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Code, isContractError } from "@contractkit/core";
import { startGrpcTestServer } from "@contractkit/testing";
import {
  credentials,
  loadPackageDefinition,
  makeGenericClientConstructor,
  type ServiceClientConstructor,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";
import { service as healthService } from "grpc-health-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createChannel, createClient } from "../src/index.js";
import { createTestCertificates, type TestCertificates } from "./fixtures/certificates.js";
import { type EchoContract, type EchoRequest, loadEchoContract } from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

let contract: EchoContract;

interface ReflectionResponse {
  list_services_response?: { service: Array<{ name: string }> };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}
const req = (text: string): EchoRequest => ({ text, count: 0, sequence: "0" });

beforeAll(async () => {
  contract = await loadEchoContract();
});

async function failure(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isContractError(e)) throw new Error(`expected a ContractError, got ${String(e)}`);
  return e;
}

describe("health and reflection (on by default)", () => {
  it("health reports SERVING per service, and NOT_SERVING once shutdown starts", async () => {
    const srv = await startGrpcTestServer((s) =>
      s.addService(contract.EchoServiceService, contract.echoTable(), echoImpl()),
    );
    const Health = makeGenericClientConstructor(healthService, "Health");
    const health = new Health(srv.address, credentials.createInsecure()) as unknown as {
      check(r: { service: string }, cb: (e: Error | null, r?: { status: string }) => void): void;
      close(): void;
    };
    const check = (service: string) =>
      new Promise<string>((resolve, reject) =>
        health.check({ service }, (e, r) => (e ? reject(e) : resolve(r?.status ?? ""))),
      );
    expect(await check("")).toBe("SERVING");
    expect(await check("cktest.echo.v1.EchoService")).toBe("SERVING");
    srv.server.health.setStatus("cktest.echo.v1.EchoService", "NOT_SERVING");
    expect(await check("cktest.echo.v1.EchoService")).toBe("NOT_SERVING");
    health.close();
    await srv.close();
  });

  it("reflection lists the served services and returns their descriptors (what grpcurl uses)", async () => {
    const srv = await startGrpcTestServer((s) =>
      s
        .addService(contract.EchoServiceService, contract.echoTable(), echoImpl())
        .addService(contract.RelayServiceService, contract.relayTable, {
          relay: async (r) => ({ text: r.text, index: 0, correlationId: "" }),
        }),
    );
    const reflectionDir = join(
      dirname(createRequire(import.meta.url).resolve("@grpc/reflection")),
      "../proto",
    );
    const pkg = loadSync("grpc/reflection/v1/reflection.proto", {
      includeDirs: [reflectionDir],
      keepCase: true,
      defaults: false,
      oneofs: true,
    });
    const Reflection = (
      loadPackageDefinition(pkg) as unknown as {
        grpc: { reflection: { v1: { ServerReflection: ServiceClientConstructor } } };
      }
    ).grpc.reflection.v1.ServerReflection;
    const client = new Reflection(srv.address, credentials.createInsecure());
    const ask = (request: Record<string, unknown>) =>
      new Promise<ReflectionResponse>((resolve, reject) => {
        const call = (
          client as unknown as { ServerReflectionInfo(): NodeJS.ReadWriteStream }
        ).ServerReflectionInfo();
        call.on("data", (m: ReflectionResponse) => resolve(m));
        call.on("error", reject);
        call.write(request as never);
        call.end();
      });
    const listed = await ask({ list_services: "" });
    const names = (listed.list_services_response?.service ?? []).map((s) => s.name).sort();
    expect(names).toEqual(["cktest.echo.v1.EchoService", "cktest.echo.v1.RelayService"]);
    const file = await ask({ file_containing_symbol: "cktest.echo.v1.EchoService" });
    const protos = file.file_descriptor_response?.file_descriptor_proto ?? [];
    expect(protos.length).toBeGreaterThan(0);
    expect(Buffer.concat(protos).toString("latin1")).toContain("cktest/echo/v1/echo.proto");
    client.close();
    await srv.close();
  });

  it("both can be turned off", async () => {
    const srv = await startGrpcTestServer(
      (s) => s.addService(contract.EchoServiceService, contract.echoTable(), echoImpl()),
      {
        health: false,
        reflection: false,
      },
    );
    const Health = makeGenericClientConstructor(healthService, "Health");
    const health = new Health(srv.address, credentials.createInsecure()) as unknown as {
      check(
        r: { service: string },
        o: { deadline: number },
        cb: (e: (Error & { code?: number }) | null) => void,
      ): void;
      close(): void;
    };
    const code = await new Promise<number | undefined>((resolve) =>
      health.check({ service: "" }, { deadline: Date.now() + 5000 }, (e) => resolve(e?.code)),
    );
    expect(code).toBe(Code.UNIMPLEMENTED);
    health.close();
    await srv.close();
  });
});

describe("TLS", () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = createTestCertificates();
  });

  it("a client that trusts the CA talks to a TLS server", async () => {
    const srv = await startGrpcTestServer(
      (s) => s.addService(contract.EchoServiceService, contract.echoTable(), echoImpl()),
      {
        tls: { cert: certs.serverCert, key: certs.serverKey },
      },
    );
    const ch = createChannel({ address: `localhost:${srv.port}`, tls: { ca: certs.ca } });
    expect(
      (
        await createClient(contract.EchoServiceService, contract.echoTable(), ch).echo(
          req("secure"),
        )
      ).text,
    ).toBe("secure");
    const wrong = createChannel({
      address: `localhost:${srv.port}`,
      tls: { ca: certs.otherCa },
      defaultTimeoutMs: 3_000,
    });
    const e = await failure(
      createClient(contract.EchoServiceService, contract.echoTable(), wrong).echo(req("x")),
    );
    expect(e.code).toBe(Code.UNAVAILABLE);
    const plain = createChannel({ address: `localhost:${srv.port}`, defaultTimeoutMs: 3_000 });
    expect(
      (
        await failure(
          createClient(contract.EchoServiceService, contract.echoTable(), plain).echo(req("x")),
        )
      ).code,
    ).toBe(Code.UNAVAILABLE);
    for (const c of [ch, wrong, plain]) c.close();
    await srv.close();
  });

  it("mTLS: the server refuses a client without a certificate from its CA", async () => {
    const srv = await startGrpcTestServer(
      (s) => s.addService(contract.EchoServiceService, contract.echoTable(), echoImpl()),
      {
        tls: { cert: certs.serverCert, key: certs.serverKey, ca: certs.ca },
      },
    );
    const withCert = createChannel({
      address: `localhost:${srv.port}`,
      tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey },
    });
    expect(
      (
        await createClient(contract.EchoServiceService, contract.echoTable(), withCert).echo(
          req("mutual"),
        )
      ).text,
    ).toBe("mutual");
    const without = createChannel({
      address: `localhost:${srv.port}`,
      tls: { ca: certs.ca },
      defaultTimeoutMs: 3_000,
    });
    const e = await failure(
      createClient(contract.EchoServiceService, contract.echoTable(), without).echo(req("x")),
    );
    expect(e.code).toBe(Code.UNAVAILABLE);
    withCert.close();
    without.close();
    await srv.close();
  });

  it("bad TLS options are clear errors", () => {
    expect(() =>
      createChannel({ address: "localhost:1", tls: { cert: certs.clientCert } }).client(false),
    ).toThrow(/both `cert` and `key`/);
  });
});

describe("round robin", () => {
  it("spreads calls over several addresses", async () => {
    const hits = [0, 0, 0];
    const servers = await Promise.all(
      hits.map((_, i) =>
        startGrpcTestServer((s) =>
          s.addService(
            contract.EchoServiceService,
            contract.echoTable(),
            echoImpl({
              echo: async (r) => {
                hits[i] = (hits[i] ?? 0) + 1;
                return { text: r.text, index: i, correlationId: "" };
              },
            }),
          ),
        ),
      ),
    );
    const ch = createChannel({ address: servers.map((s) => s.address) });
    const client = createClient(contract.EchoServiceService, contract.echoTable(), ch);
    for (let i = 0; i < 30; i++) await client.echo(req(`rr-${i}`));
    expect(hits.every((h) => h > 0)).toBe(true);
    expect(hits.reduce((a, b) => a + b)).toBe(30);
    ch.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it("several host names are refused with what to do instead", () => {
    expect(() => createChannel({ address: ["orders-1:50051", "orders-2:50051"] })).toThrow(
      /dns:\/\/\//,
    );
  });
});
