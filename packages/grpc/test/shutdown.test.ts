import { Code, isContractError } from "@contractkit/core";
import { startGrpcTestServer } from "@contractkit/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createChannel, createClient } from "../src/index.js";
import { type EchoContract, type EchoRequest, loadEchoContract } from "./fixtures/echo-contract.js";
import { echoImpl } from "./fixtures/echo-impl.js";

let contract: EchoContract;
const req = (text: string): EchoRequest => ({ text, count: 0, sequence: "0" });

beforeAll(async () => {
  contract = await loadEchoContract();
});

/** A handler that reports when it started and finishes when released (or aborted). */
function gated() {
  let release: () => void = () => {};
  let started: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const running = new Promise<void>((r) => {
    started = r;
  });
  const aborted: unknown[] = [];
  const impl = echoImpl({
    async echo(r, ctx) {
      ctx.signal.addEventListener(
        "abort",
        () => aborted.push(`${released} ${String(ctx.signal.reason)}`),
        { once: true },
      );
      started();
      await Promise.race([
        gate,
        new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true })),
      ]);
      return { text: r.text, index: 0, correlationId: "" };
    },
  });
  let released = false;
  return {
    impl,
    release: () => {
      released = true;
      release();
    },
    running,
    aborted,
  };
}

describe("graceful shutdown", () => {
  it("lets an in-flight call finish, refuses new ones, and reports a clean drain", async () => {
    const g = gated();
    const srv = await startGrpcTestServer(
      (s) => s.addService(contract.EchoServiceService, contract.echoTable(), g.impl),
      {
        drainTimeoutMs: 30_000,
      },
    );
    const ch = createChannel({ address: srv.address });
    const client = createClient(contract.EchoServiceService, contract.echoTable(), ch);
    const inFlight = client.echo(req("in-flight"));
    await g.running;
    expect(srv.server.inFlightCount).toBe(1);
    const closing = srv.close();
    // A new connection is refused while the old call is still running.
    const late = createChannel({ address: srv.address, retry: false, defaultTimeoutMs: 5_000 });
    const e = await createClient(contract.EchoServiceService, contract.echoTable(), late)
      .create(req("late"))
      .catch((x: unknown) => x);
    expect(isContractError(e) && e.code).toBe(Code.UNAVAILABLE);
    g.release();
    expect((await inFlight).text).toBe("in-flight");
    expect(await closing).toEqual({ forced: false });
    expect(g.aborted).toEqual([]);
    ch.close();
    late.close();
  });

  it("cuts calls still running at the bound: their signal fires and the caller gets an error", async () => {
    const g = gated();
    const srv = await startGrpcTestServer(
      (s) => s.addService(contract.EchoServiceService, contract.echoTable(), g.impl),
      {
        drainTimeoutMs: 100,
      },
    );
    const ch = createChannel({ address: srv.address, retry: false, defaultTimeoutMs: 30_000 });
    const client = createClient(contract.EchoServiceService, contract.echoTable(), ch);
    const inFlight = client.echo(req("stuck")).catch((x: unknown) => x);
    await g.running;
    expect(await srv.close()).toEqual({ forced: true });
    expect(g.aborted).toHaveLength(1);
    const e = await inFlight;
    expect(isContractError(e)).toBe(true);
    ch.close();
  });
});
