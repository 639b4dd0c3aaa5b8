import { Code } from "@contractkit/core";
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { msToNanos } from "../duration.js";
import { fromMsgHdrs } from "../message-headers.js";
import { isNotFound, messageOf } from "../nats-errors.js";
import { moveToDeadLetters } from "./dead-letter-mover.js";
import { type DeadLetterInput, ReplayHeader } from "./dead-letter-record.js";
import {
  type DeadLetterSettings,
  type DeadLetterSettingsInput,
  resolveDeadLetterSettings,
} from "./dead-letter-settings.js";

/** JetStream's `io.nats.jetstream.advisory.v1.max_deliver` advisory. */
interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

export interface SweeperOptions extends DeadLetterSettingsInput {
  /** Which consumers the backstop covers (default every one). */
  include?: (stream: string, consumer: string) => boolean;
  /** Called after each move (logging, tests). */
  onMoved?: (moved: {
    stream: string;
    streamSequence: number;
    consumer: string;
    seq: number;
    duplicate: boolean;
  }) => void;
  /** Called when an advisory could not be handled; it is retried later. */
  onError?: (error: Error) => void;
}

export interface DeadLetterSweeper extends AsyncDisposable {
  stop(): Promise<void>;
}

/**
 * The backstop for messages whose handler never reported a failure (the process
 * crashed, ran out of memory, or hung past ackWait until JetStream gave up). JetStream
 * publishes a max-deliveries advisory; the advisory stream keeps it until a sweeper, a
 * durable consumer that any number of instances may share, reads the original message
 * by stream sequence and moves it to the dead letters with the same
 * `dlq:<stream>:<seq>:<consumer>` id (so a message moved twice is stored once).
 *
 * JetStream notices the exhausted message when it would redeliver it, so the consumer
 * must still be pulling (a running or restarted service).
 */
export async function startDeadLetterSweeper(
  bus: { readonly connection: NatsConnection },
  options: SweeperOptions = {},
): Promise<DeadLetterSweeper> {
  const settings = resolveDeadLetterSettings(options);
  const nc = bus.connection;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  await ensureSweeperConsumer(jsm, settings);
  const consumer = await js.consumers.get(settings.advisoryStream, settings.sweeperDurable);
  const messages = await consumer.consume({ max_messages: 16 });
  const own = new Set([settings.stream, settings.advisoryStream, settings.auditStream]);

  const handle = async (m: JsMsg) => {
    let adv: MaxDeliveriesAdvisory;
    try {
      adv = m.json<MaxDeliveriesAdvisory>();
    } catch {
      m.term();
      return;
    }
    if (own.has(adv.stream) || !(options.include?.(adv.stream, adv.consumer) ?? true)) {
      m.ack();
      return;
    }
    try {
      const input = await deadLetterOf(jsm, settings, adv);
      const moved = await moveToDeadLetters(js, settings, input);
      m.ack();
      options.onMoved?.({
        stream: input.stream,
        streamSequence: input.streamSequence,
        consumer: input.consumer,
        seq: moved.seq,
        duplicate: moved.duplicate,
      });
    } catch (err) {
      m.nak(5000);
      options.onError?.(err instanceof Error ? err : new Error(String(err)));
    }
  };

  const loop = (async () => {
    for await (const m of messages) await handle(m);
  })();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      messages.stop();
      await loop.catch(() => undefined);
    })();
    return stopping;
  };
  return { stop, [Symbol.asyncDispose]: stop };
}

async function ensureSweeperConsumer(jsm: JetStreamManager, s: DeadLetterSettings): Promise<void> {
  try {
    await jsm.consumers.info(s.advisoryStream, s.sweeperDurable);
    return;
  } catch (err) {
    if (!isNotFound(err)) {
      throw new Error(
        `dead-letter sweeper: cannot read consumer ${s.advisoryStream}/${s.sweeperDurable}: ${messageOf(err)} (run ensureDeadLetterStreams or \`contractkit hospital init\`)`,
        { cause: err },
      );
    }
  }
  await jsm.consumers.add(s.advisoryStream, {
    durable_name: s.sweeperDurable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: msToNanos(30_000),
    max_deliver: -1,
  });
}

/** The dead letter of an exhausted message, read from its stream by sequence. */
async function deadLetterOf(
  jsm: JetStreamManager,
  s: DeadLetterSettings,
  adv: MaxDeliveriesAdvisory,
): Promise<DeadLetterInput> {
  const stored = await jsm.streams
    .getMessage(adv.stream, { seq: adv.stream_seq })
    .catch((err: unknown) => {
      if (isNotFound(err) || /no message found/i.test(messageOf(err))) return null;
      throw err;
    });
  const headers = stored ? fromMsgHdrs(stored.header) : {};
  const error = stored
    ? `delivered ${adv.deliveries} time(s) to ${adv.consumer} without an ack or a reported failure: the handler crashed the process, ran out of memory, or hung past ackWait`
    : `delivered ${adv.deliveries} time(s) to ${adv.consumer} without an ack; the message is no longer in stream ${adv.stream} (removed by its limits), so only its place is recorded`;
  const common = {
    kind: "max-deliveries" as const,
    code: Code.UNKNOWN,
    error,
    data: stored?.data ?? new Uint8Array(),
    headers,
    deliveryCount: adv.deliveries,
    at: new Date(),
  };
  if (adv.stream === s.replayStream && headers[ReplayHeader.stream]) {
    return {
      ...common,
      subject: headers[ReplayHeader.subject] ?? "",
      stream: headers[ReplayHeader.stream] ?? "",
      streamSequence: Number(headers[ReplayHeader.seq]) || 0,
      consumer: headers[ReplayHeader.consumer] ?? adv.consumer,
      replaySeq: adv.stream_seq,
    };
  }
  return {
    ...common,
    subject: stored?.subject ?? "",
    stream: adv.stream,
    streamSequence: adv.stream_seq,
    consumer: adv.consumer,
  };
}
