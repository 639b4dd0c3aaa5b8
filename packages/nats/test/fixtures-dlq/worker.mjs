// A service process for the dead-letter crash tests, run by a supervisor (the test).
// It imports the built packages (dist), as a deployed service would.
//   WORKER_MODE=exit-on-poison          process.exit(1) while handling order "poison"
//   WORKER_MODE=exit-after-dead-letter  order "poison" fails for good; the process exits
//                                       right after the dead letter is stored, before the term
//   WORKER_MODE=normal                  order "poison" fails for good, no crash
import { Code, ContractError, defineEvent } from "@contractkit/core";
import { connectBus, createDeadLetterSink, resolveDeadLetterSettings } from "@contractkit/nats";
import { jetstream } from "@nats-io/jetstream";
import * as z from "zod";

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`worker: ${name} is not set`);
  return v;
};
const mode = env("WORKER_MODE");

/** Must match `jsonOrderEvent` in dead-letter-crash.test.ts. */
const Order = defineEvent({
  typeName: "test.crash.v1.Order",
  subjectTemplate: `${env("WORKER_PREFIX")}.{order_id}`,
  stream: env("WORKER_STREAM"),
  tokens: [{ field: "order_id", key: "orderId", kind: "string" }],
  codec: {
    encode: (m) => new TextEncoder().encode(JSON.stringify(m)),
    decode: (b) => JSON.parse(new TextDecoder().decode(b)),
  },
  schema: z.object({ orderId: z.string().min(1) }),
  sensitiveFields: [],
});

const bus = await connectBus({ servers: env("NATS_URL"), deadLetters: true, telemetry: false });
const sink = createDeadLetterSink(jetstream(bus.connection), resolveDeadLetterSettings());
await bus.subscribe(
  Order,
  (m) => {
    if (m.orderId === "poison") {
      if (mode === "exit-on-poison") process.exit(1);
      throw new ContractError(Code.FAILED_PRECONDITION, "poison is not for sale");
    }
    console.log(`handled ${m.orderId}`);
  },
  {
    durable: env("WORKER_DURABLE"),
    maxDeliver: Number(env("WORKER_MAX_DELIVER")),
    ackWaitMs: Number(env("WORKER_ACK_WAIT_MS")),
    deadLetter: async (failure) => {
      await sink(failure);
      if (mode === "exit-after-dead-letter") {
        console.log("stored the dead letter; dying before the term");
        process.exit(3);
      }
    },
  },
);
console.log("ready");
