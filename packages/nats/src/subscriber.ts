import { ContractError, type EventDefinition } from "@contractkit/core";
import { AckPolicy, type ConsumerConfig, DeliverPolicy, type JsMsg } from "@nats-io/jetstream";
import type { BusRuntime } from "./bus-runtime.js";
import type { EventHandler } from "./delivery.js";
import { msToNanos, nanosToMs } from "./duration.js";
import { fromMsgHdrs } from "./message-headers.js";
import { assertResourceName, durableName } from "./naming.js";
import { isNotFound, messageOf } from "./nats-errors.js";
import { processDelivery } from "./process-delivery.js";
import type { SubscribeOptions, Subscription } from "./subscription-options.js";

/** Runs at most `limit` tasks at once; `acquire` waits for a free slot. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  private readonly running = new Set<Promise<void>>();
  constructor(limit: number) {
    this.free = Math.max(1, Math.floor(limit));
  }
  async run(task: () => Promise<void>): Promise<void> {
    if (this.free === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.free--;
    const p = task().finally(() => {
      this.running.delete(p);
      this.free++;
      this.waiting.shift()?.();
    });
    this.running.add(p);
  }
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}

function filterSubject<T, K extends string>(
  event: EventDefinition<T, K>,
  options: SubscribeOptions<K>,
): string {
  if (typeof options.filter === "string") return options.filter;
  return event.subjectFor(options.filter);
}

/** A JetStream durable pull consumer; instances sharing the durable compete. */
export async function subscribeStream<T, K extends string>(
  rt: BusRuntime,
  event: EventDefinition<T, K>,
  handler: EventHandler<T, K>,
  options: SubscribeOptions<K>,
): Promise<Subscription> {
  const stream = event.stream as string;
  const durable =
    options.durable ?? (options.service ? durableName(options.service, event.typeName) : undefined);
  if (!durable) {
    throw new Error(
      `subscribe(${event.typeName}): a stream-backed event needs { durable } or { service } to name its durable consumer`,
    );
  }
  assertResourceName(durable, `subscribe(${event.typeName}): durable`);
  const subject = filterSubject(event, options);
  const config = await ensureConsumer(rt, event, stream, durable, subject, options);
  const ackWaitMs = nanosToMs(config.ack_wait ?? 30_000_000_000);
  const maxDeliver = config.max_deliver ?? -1;
  const concurrency = options.concurrency ?? 1;

  const consumer = await rt.js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: Math.max(concurrency, 1) * 2 });
  const slots = new Slots(concurrency);
  const termReason = serverAtLeast(rt.nc.info?.version, 2, 10);

  const handle = (m: JsMsg) =>
    processDelivery(
      rt,
      event,
      handler,
      options,
      {
        subject: m.subject,
        data: m.data,
        headers: fromMsgHdrs(m.headers),
        deliveryCount: m.info.deliveryCount,
        stream: m.info.stream,
        streamSequence: m.seq,
        consumer: durable,
        maxDeliver,
        ackWaitMs,
      },
      {
        ack: () => m.ack(),
        nak: (delay) => m.nak(delay),
        // nats-server before 2.10 ignores a `+TERM` that carries a reason.
        term: (reason) => (termReason ? m.term(reason) : m.term()),
        working: () => m.working(),
      },
    ).catch((err: unknown) => {
      // A dead-letter step that failed: leave the message to be redelivered.
      m.nak(1000);
      options.onError?.({
        kind: "handler",
        final: false,
        error: ContractError.from(err),
        event: event as EventDefinition<unknown>,
        subject: m.subject,
        data: m.data,
        headers: fromMsgHdrs(m.headers),
        deliveryCount: m.info.deliveryCount,
        stream,
        streamSequence: m.seq,
        consumer: durable,
        at: new Date(),
      });
    });

  const loop = (async () => {
    for await (const m of messages) await slots.run(() => handle(m));
    await slots.idle();
  })();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      messages.stop();
      await loop.catch(() => undefined);
      await slots.idle();
    })();
    return stopping;
  };
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  return { subject, stream, consumer: durable, stop, closed: loop, [Symbol.asyncDispose]: stop };
}

async function ensureConsumer<T, K extends string>(
  rt: BusRuntime,
  event: EventDefinition<T, K>,
  stream: string,
  durable: string,
  subject: string,
  options: SubscribeOptions<K>,
): Promise<ConsumerConfig> {
  const jsm = await rt.jsm();
  try {
    const info = await jsm.consumers.info(stream, durable);
    if ((info.config.filter_subject ?? "") !== subject) {
      throw new Error(
        `subscribe(${event.typeName}): consumer ${stream}/${durable} filters "${info.config.filter_subject ?? ""}", not "${subject}": use another durable name for another filter, or delete the consumer`,
      );
    }
    return info.config;
  } catch (err) {
    if (!isNotFound(err)) {
      if (/stream not found/i.test(messageOf(err))) {
        throw new Error(
          `subscribe(${event.typeName}): stream ${stream} does not exist: run \`contractkit nats apply\` or call bus.ensureStreams()`,
          { cause: err },
        );
      }
      throw err;
    }
    if (options.createConsumer === false) {
      throw new Error(
        `subscribe(${event.typeName}): consumer ${stream}/${durable} does not exist and createConsumer is false: run \`contractkit nats apply\``,
        { cause: err },
      );
    }
  }
  const cfg: Partial<ConsumerConfig> & { durable_name: string } = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: subject,
    ack_wait: msToNanos(options.ackWaitMs ?? 30_000),
    max_deliver: options.maxDeliver ?? 10,
    max_ack_pending: options.maxAckPending ?? 1000,
  };
  try {
    return (await jsm.consumers.add(stream, cfg)).config;
  } catch (err) {
    if (isNotFound(err) || /stream not found/i.test(messageOf(err))) {
      throw new Error(
        `subscribe(${event.typeName}): stream ${stream} does not exist: run \`contractkit nats apply\` or call bus.ensureStreams()`,
        { cause: err },
      );
    }
    throw new Error(
      `subscribe(${event.typeName}): cannot create consumer ${stream}/${durable}: ${messageOf(err)}`,
      {
        cause: err,
      },
    );
  }
}

/** True when the server's version is at least major.minor. */
function serverAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(version ?? "");
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/** A core NATS subscription, with an optional queue group (at most once). */
export function subscribeCore<T, K extends string>(
  rt: BusRuntime,
  event: EventDefinition<T, K>,
  handler: EventHandler<T, K>,
  options: SubscribeOptions<K>,
): Subscription {
  const subject = filterSubject(event, options);
  const sub = rt.nc.subscribe(subject, options.queue ? { queue: options.queue } : {});
  const slots = new Slots(options.concurrency ?? 1);
  const noop = () => {};
  const loop = (async () => {
    for await (const m of sub) {
      await slots.run(() =>
        processDelivery(
          rt,
          event,
          handler,
          options,
          {
            subject: m.subject,
            data: m.data,
            headers: fromMsgHdrs(m.headers),
            deliveryCount: 1,
            maxDeliver: 1,
            ackWaitMs: undefined,
          },
          { ack: noop, nak: noop, term: noop, working: noop },
        ),
      );
    }
    await slots.idle();
  })();
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await sub.drain().catch(() => undefined);
      await loop.catch(() => undefined);
    })();
    return stopping;
  };
  options.signal?.addEventListener("abort", () => void stop(), { once: true });
  return { subject, stop, closed: loop, [Symbol.asyncDispose]: stop };
}
