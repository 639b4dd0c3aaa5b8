import { AckPolicy, DeliverPolicy, type JetStreamManager } from "@nats-io/jetstream";
import { msToNanos } from "../duration.js";
import { isNotFound, messageOf } from "../nats-errors.js";

/** Creates a durable pull consumer unless it exists (shared by callers' and responders' instances). */
export async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  filter: string,
  settings: { ackWaitMs: number; maxDeliver: number },
): Promise<void> {
  try {
    await jsm.consumers.info(stream, durable);
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: filter,
      ack_wait: msToNanos(settings.ackWaitMs),
      max_deliver: settings.maxDeliver,
    });
  } catch (err) {
    throw new Error(
      `long-running requests: cannot create consumer ${stream}/${durable}: ${messageOf(err)} (is stream ${stream} provisioned? see ensureLongRunningStream)`,
      { cause: err },
    );
  }
}

/** A consume loop over a durable consumer, with a stop that waits for the running message. */
export function runLoop<M>(
  messages: AsyncIterable<M> & { stop(): void },
  handle: (m: M) => Promise<void>,
): { stop(): Promise<void>; closed: Promise<void> } {
  const closed = (async () => {
    for await (const m of messages) await handle(m);
  })();
  let stopping: Promise<void> | undefined;
  return {
    closed,
    stop() {
      stopping ??= (async () => {
        messages.stop();
        await closed.catch(() => undefined);
      })();
      return stopping;
    },
  };
}
