import type { EventDefinition } from "@contractkit/core";
import type { JsMsg } from "@nats-io/jetstream";
import type { BusRuntime } from "../bus-runtime.js";
import type { EventHandler } from "../delivery.js";
import { nanosToMs } from "../duration.js";
import { fromMsgHdrs } from "../message-headers.js";
import { isNotFound, messageOf } from "../nats-errors.js";
import { processDelivery } from "../process-delivery.js";
import { subscribeStream } from "../subscriber.js";
import type { SubscribeOptions, Subscription } from "../subscription-options.js";
import { createDeadLetterSink } from "./dead-letter-mover.js";
import { originalHeaders, ReplayHeader } from "./dead-letter-record.js";
import { type DeadLetterSettings, replayDurable, replaySubject } from "./dead-letter-settings.js";
import { ensureReplayConsumer } from "./dead-letter-streams.js";

/**
 * A stream subscription with the message hospital plugged in: messages that can never
 * succeed move to the dead-letter stream, and replays addressed to this consumer (and
 * to no other) arrive from the replay stream and run through the same handler.
 */
export async function subscribeWithDeadLetters<T, K extends string>(
  rt: BusRuntime,
  settings: DeadLetterSettings,
  event: EventDefinition<T, K>,
  handler: EventHandler<T, K>,
  options: SubscribeOptions<K>,
): Promise<Subscription> {
  const main = await subscribeStream(rt, event, handler, {
    ...options,
    deadLetter: options.deadLetter ?? createDeadLetterSink(rt.js, settings),
  });
  let replays: Subscription;
  try {
    replays = await subscribeReplays(rt, settings, event, handler, options, main);
  } catch (err) {
    await main.stop();
    throw err;
  }
  const stop = async () => {
    await Promise.all([main.stop(), replays.stop()]);
  };
  return {
    subject: main.subject,
    ...(main.stream === undefined ? {} : { stream: main.stream }),
    ...(main.consumer === undefined ? {} : { consumer: main.consumer }),
    stop,
    closed: Promise.all([main.closed, replays.closed]).then(() => undefined),
    [Symbol.asyncDispose]: stop,
  };
}

/** The durable consumer on the replay stream that feeds one event consumer. */
async function subscribeReplays<T, K extends string>(
  rt: BusRuntime,
  s: DeadLetterSettings,
  event: EventDefinition<T, K>,
  handler: EventHandler<T, K>,
  options: SubscribeOptions<K>,
  main: Subscription,
): Promise<Subscription> {
  const stream = main.stream as string;
  const consumer = main.consumer as string;
  const jsm = await rt.jsm();
  const mainConfig = (await jsm.consumers.info(stream, consumer)).config;
  const durable = replayDurable(stream, consumer);
  const filter = replaySubject(s, stream, consumer);
  const exists = await jsm.consumers.info(s.replayStream, durable).then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
  if (!exists) {
    if (options.createConsumer === false) {
      throw new Error(
        `subscribe(${event.typeName}): replay consumer ${s.replayStream}/${durable} does not exist and createConsumer is false: run \`contractkit hospital init\``,
      );
    }
    await ensureReplayConsumer(jsm, s, stream, consumer, {
      ackWaitMs: nanosToMs(mainConfig.ack_wait ?? 30_000_000_000),
      maxDeliver: mainConfig.max_deliver ?? 10,
    }).catch((err: unknown) => {
      throw new Error(
        `subscribe(${event.typeName}): ${messageOf(err)} (are the hospital's streams provisioned? run \`contractkit hospital init\` or ensureDeadLetterStreams)`,
        { cause: err },
      );
    });
  }
  const ackWaitMs = nanosToMs(mainConfig.ack_wait ?? 30_000_000_000);
  const maxDeliver = mainConfig.max_deliver ?? -1;
  const messages = await (await rt.js.consumers.get(s.replayStream, durable)).consume({
    max_messages: 4,
  });

  const handle = async (m: JsMsg) => {
    const headers = fromMsgHdrs(m.headers);
    await processDelivery(
      rt,
      event,
      handler,
      { ...options, deadLetter: createDeadLetterSink(rt.js, s, m.seq) },
      {
        subject: headers[ReplayHeader.subject] ?? m.subject,
        data: m.data,
        headers: originalHeaders(headers),
        deliveryCount: m.info.deliveryCount,
        stream,
        streamSequence: Number(headers[ReplayHeader.seq]) || 0,
        consumer,
        maxDeliver,
        ackWaitMs,
      },
      {
        ack: () => m.ack(),
        nak: (delay) => m.nak(delay),
        term: () => m.term(),
        working: () => m.working(),
      },
    ).catch(() => m.nak(1000));
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
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  return {
    subject: filter,
    stream: s.replayStream,
    consumer: durable,
    stop,
    closed: loop,
    [Symbol.asyncDispose]: stop,
  };
}
