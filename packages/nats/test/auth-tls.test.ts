import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, isContractError } from "@contractkit/core";
import { startNatsServer } from "@contractkit/testing";
import { createUser } from "@nats-io/nkeys";
import { afterAll, describe, expect, it } from "vitest";
import { connectBus } from "../src/index.js";
import { operatorMode } from "./creds.js";
import { eventually, order, orderSeenEvent } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "ck-auth-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function roundTrip(bus: Awaited<ReturnType<typeof connectBus>>): Promise<void> {
  const Seen = orderSeenEvent("auth.seen");
  const got: string[] = [];
  const sub = await bus.subscribe(Seen, (m) => void got.push(m.orderId));
  await bus.connection.flush();
  await bus.publish(Seen, order(1));
  await eventually(() => got.length === 1, "round trip");
  await sub.stop();
}

async function refused(promise: Promise<unknown>): Promise<{ code: number; message: string }> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isContractError(err)).toBe(true);
  if (!isContractError(err)) throw new Error("expected a ContractError");
  return { code: err.code, message: err.message };
}

describe("authentication", () => {
  it("user and password: right ones connect, a wrong password gets a clear error", async () => {
    await using server = await startNatsServer({
      jetstream: false,
      config: 'authorization { users: [ { user: "svc", password: "s3cret" } ] }',
    });
    const bus = await connectBus({
      servers: server.url,
      auth: { user: "svc", password: "s3cret" },
    });
    await roundTrip(bus);
    await bus.close();
    const err = await refused(
      connectBus({ servers: server.url, auth: { user: "svc", password: "wrong" } }),
    );
    expect(err.code).toBe(Code.UNAUTHENTICATED);
    expect(err.message).toContain(server.url);
    expect(err.message).toMatch(/refused the credentials.*check the user\/password/);
  });

  it("token", async () => {
    await using server = await startNatsServer({
      jetstream: false,
      config: 'authorization { token: "t0ken" }',
    });
    const bus = await connectBus({ servers: server.url, auth: { token: "t0ken" } });
    await roundTrip(bus);
    await bus.close();
    expect((await refused(connectBus({ servers: server.url, auth: { token: "nope" } }))).code).toBe(
      Code.UNAUTHENTICATED,
    );
  });

  it("nkey, from a seed and from a seed file", async () => {
    const user = createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    const seedFile = join(dir, "user.nk");
    writeFileSync(seedFile, `${seed}\n`);
    await using server = await startNatsServer({
      jetstream: false,
      config: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
    });
    const a = await connectBus({ servers: server.url, auth: { nkeySeed: seed } });
    await roundTrip(a);
    await a.close();
    const b = await connectBus({ servers: server.url, auth: { nkeySeedFile: seedFile } });
    await b.close();
    const other = new TextDecoder().decode(createUser().getSeed());
    expect(
      (await refused(connectBus({ servers: server.url, auth: { nkeySeed: other } }))).code,
    ).toBe(Code.UNAUTHENTICATED);
  });
});

describe(".creds (JWT + nkey)", () => {
  it("connects with a user's creds file and refuses creds the server does not trust", async () => {
    const auth = operatorMode();
    const good = join(dir, "user.creds");
    const bad = join(dir, "other.creds");
    writeFileSync(good, auth.creds);
    writeFileSync(bad, auth.otherCreds);
    await using server = await startNatsServer({ jetstream: false, config: auth.serverConfig });
    const bus = await connectBus({ servers: server.url, auth: { credsFile: good } });
    await roundTrip(bus);
    await bus.close();
    const inline = await connectBus({ servers: server.url, auth: { creds: auth.creds } });
    await inline.close();
    const err = await refused(connectBus({ servers: server.url, auth: { credsFile: bad } }));
    expect(err.code).toBe(Code.UNAUTHENTICATED);
    expect(err.message).toMatch(/refused the credentials/);
  });
});

describe("TLS", () => {
  const ca = join(dir, "ca.pem");
  const caKey = join(dir, "ca.key");
  const cert = join(dir, "server.pem");
  const key = join(dir, "server.key");
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });

  it("connects with the CA that signed the server, and explains a failure without it", async () => {
    openssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      caKey,
      "-out",
      ca,
      "-days",
      "2",
      "-subj",
      "/CN=ck-test-ca",
    );
    const ext = join(dir, "san.ext");
    writeFileSync(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    const csr = join(dir, "server.csr");
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      csr,
      "-subj",
      "/CN=127.0.0.1",
    );
    openssl(
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      ca,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "2",
      "-extfile",
      ext,
    );

    await using server = await startNatsServer({
      jetstream: false,
      config: `tls { cert_file: "${cert}", key_file: "${key}" }`,
    });
    const bus = await connectBus({ servers: server.url, tls: { caFile: ca } });
    await roundTrip(bus);
    await bus.close();
    const err = await refused(
      connectBus({ servers: server.url, tls: true, maxReconnectAttempts: 0 }),
    );
    expect(err.code).toBe(Code.UNAVAILABLE);
    expect(err.message).toMatch(/TLS failed.*tls\.caFile/);
  });
});
