import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineEvent } from "@contractkit/core";
import { type NatsServer, startNatsServer } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type Bus,
  connectBus,
  createHospital,
  type DeadLetterSweeper,
  ensureDeadLetterStreams,
  type Hospital,
  resolveDeadLetterSettings,
  startDeadLetterSweeper,
} from "../src/index.js";
import { eventually } from "./fixtures.js";

// Processes that die: a handler that calls process.exit() under a supervisor that
// restarts it, and a process killed between the dead-letter publish and the term.
// The worker (fixtures-dlq/worker.mjs) runs the built packages, like a deployed service.
const here = dirname(fileURLToPath(import.meta.url));
const WORKER = join(here, "fixtures-dlq/worker.mjs");
const BUILT = join(here, "../dist/index.js");

interface Order {
  orderId: string;
}

/** Must match the event in fixtures-dlq/worker.mjs. */
function jsonOrderEvent(stream: string, prefix: string) {
  return defineEvent<Order, "orderId">({
    typeName: "test.crash.v1.Order",
    subjectTemplate: `${prefix}.{order_id}`,
    stream,
    tokens: [{ field: "order_id", key: "orderId", kind: "string" }],
    codec: {
      encode: (m) => new TextEncoder().encode(JSON.stringify(m)),
      decode: (b) => JSON.parse(new TextDecoder().decode(b)) as Order,
    },
    schema: z.object({ orderId: z.string().min(1) }),
    sensitiveFields: [],
  });
}

interface Supervised {
  readonly output: string[];
  readonly exitCodes: Array<number | null>;
  stop(): Promise<void>;
}

/** Runs the worker and restarts it whenever it exits, at most `maxStarts` times. */
function supervise(env: Record<string, string>, maxStarts: number): Supervised {
  const output: string[] = [];
  const exitCodes: Array<number | null> = [];
  let child: ChildProcess | undefined;
  let starts = 0;
  let stopped = false;
  let exited: Promise<void> = Promise.resolve();
  const start = () => {
    starts++;
    const proc = spawn(process.execPath, [WORKER], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => output.push(...d.toString().trim().split("\n")));
    proc.stderr?.on("data", (d: Buffer) => output.push(`stderr: ${d.toString().trim()}`));
    exited = new Promise((resolve) =>
      proc.on("exit", (code) => {
        exitCodes.push(code);
        if (!stopped && starts < maxStarts) start();
        resolve();
      }),
    );
  };
  start();
  return {
    output,
    exitCodes,
    async stop() {
      stopped = true;
      if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

let server: NatsServer;
let bus: Bus;
let hospital: Hospital;
let sweeper: DeadLetterSweeper;

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
  server = await startNatsServer();
  bus = await connectBus({ servers: server.url });
  await ensureDeadLetterStreams(await bus.manager(), resolveDeadLetterSettings());
  hospital = await createHospital(bus);
  sweeper = await startDeadLetterSweeper(bus);
});

afterAll(async () => {
  await sweeper?.stop();
  await bus?.close();
  await server?.stop();
});

const workerEnv = (stream: string, prefix: string, durable: string, mode: string) => ({
  NATS_URL: server.url,
  WORKER_MODE: mode,
  WORKER_STREAM: stream,
  WORKER_PREFIX: prefix,
  WORKER_DURABLE: durable,
  WORKER_MAX_DELIVER: "3",
  WORKER_ACK_WAIT_MS: "1000",
});

describe("crashing handlers", () => {
  it("a handler that calls process.exit() ends in the dead letters through the backstop", async () => {
    const Order = jsonOrderEvent("CRASH", "crash.orders");
    await bus.ensureStreams([Order]);
    const worker = supervise(workerEnv("CRASH", "crash.orders", "crasher", "exit-on-poison"), 10);
    try {
      await eventually(() => worker.output.includes("ready"), "worker ready");
      await bus.publish(Order, { orderId: "ok-1" });
      await eventually(() => worker.output.includes("handled ok-1"), "healthy message handled");
      const poison = await bus.publish(Order, { orderId: "poison" });
      await eventually(
        async () => (await hospital.list({ consumer: "crasher" })).length === 1,
        "poison moved by the backstop",
        120_000,
      );
      const [dead] = await hospital.list({ consumer: "crasher" });
      expect(dead?.kind).toBe("max-deliveries");
      expect(dead?.streamSequence).toBe(poison.seq);
      expect(dead?.deliveryCount).toBe(3);
      expect(dead?.id).toBe(poison.id);
      expect(JSON.parse(Buffer.from(dead?.data ?? []).toString())).toEqual({ orderId: "poison" });
      // Each of the three deliveries killed the process; the supervisor restarted it.
      expect(worker.exitCodes.filter((c) => c === 1).length).toBe(3);
      // The worker keeps serving after JetStream gave up on the poison message.
      await bus.publish(Order, { orderId: "ok-2" });
      await eventually(() => worker.output.includes("handled ok-2"), "worker still serving");
    } finally {
      await worker.stop();
    }
  });

  it("killing the process between the dead-letter publish and the term leaves exactly one dead letter", async () => {
    const Order = jsonOrderEvent("CRASH2", "crash2.orders");
    await bus.ensureStreams([Order]);
    const jsm = await bus.manager();
    const dying = supervise(
      workerEnv("CRASH2", "crash2.orders", "dier", "exit-after-dead-letter"),
      1,
    );
    const poison = await bus.publish(Order, { orderId: "poison" });
    await eventually(
      () => dying.exitCodes.includes(3),
      "worker died after storing the dead letter",
    );
    await dying.stop();
    // Stored, but the original was never termed: it is still pending.
    expect(await hospital.list({ consumer: "dier" })).toHaveLength(1);
    expect((await jsm.consumers.info("CRASH2", "dier")).num_ack_pending).toBe(1);

    const healthy = supervise(workerEnv("CRASH2", "crash2.orders", "dier", "normal"), 1);
    try {
      // Redelivered after ackWait, fails again, moved again (de-duplicated), then termed.
      await eventually(async () => {
        const info = await jsm.consumers.info("CRASH2", "dier");
        return (
          info.num_ack_pending === 0 && info.num_pending === 0 && info.delivered.consumer_seq >= 2
        );
      }, "original terminated after the restart");
      const dead = await hospital.list({ consumer: "dier" });
      expect(dead).toHaveLength(1);
      expect(dead[0]?.streamSequence).toBe(poison.seq);
      expect(dead[0]?.deliveryCount).toBe(1);
      expect(dead[0]?.codeName).toBe("FAILED_PRECONDITION");
    } finally {
      await healthy.stop();
    }
  });
});
