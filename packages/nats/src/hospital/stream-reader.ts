import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { msToNanos } from "../duration.js";

/** One stored message, as the hospital reads it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly time: Date;
  readonly msg: JsMsg;
}

/**
 * Reads every message of a stream that matches `filter`, oldest first, through an
 * ephemeral consumer that acks nothing (the stream is not changed). Stops after `limit`.
 * `lastPerSubject` reads only the newest message of each subject (a KV bucket's keys).
 */
export async function* readStream(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  limit = Number.POSITIVE_INFINITY,
  lastPerSubject = false,
): AsyncGenerator<StoredMessage> {
  const info = await jsm.consumers.add(stream, {
    ack_policy: AckPolicy.None,
    deliver_policy: lastPerSubject ? DeliverPolicy.LastPerSubject : DeliverPolicy.All,
    filter_subject: filter,
    inactive_threshold: msToNanos(60_000),
    mem_storage: true,
  });
  try {
    const consumer = await js.consumers.get(stream, info.name);
    let left = Math.min(info.num_pending, limit);
    while (left > 0) {
      const batch = await consumer.fetch({ max_messages: Math.min(left, 256), expires: 5000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        left--;
        yield {
          seq: m.seq,
          subject: m.subject,
          time: new Date(Math.floor(m.info.timestampNanos / 1_000_000)),
          msg: m,
        };
        if (left <= 0) break;
      }
      if (got === 0) break;
    }
  } finally {
    await jsm.consumers.delete(stream, info.name).catch(() => undefined);
  }
}
