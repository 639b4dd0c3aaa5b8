import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { msToNanos } from "../duration.js";
import { isNotFound, messageOf } from "../nats-errors.js";
import { upsertStream } from "../upsert-stream.js";
import {
  type DeadLetterSettings,
  MAX_DELIVERIES_ADVISORY,
  replayDurable,
  replaySubject,
} from "./dead-letter-settings.js";

/**
 * The streams of the message hospital: the dead letters (their own limits), the replay
 * stream, the captured max-deliveries advisories (the sweeper's input) and the audit log.
 */
export function hospitalStreamConfigs(
  s: DeadLetterSettings,
): Array<Partial<StreamConfig> & { name: string }> {
  const common = {
    retention: RetentionPolicy.Limits,
    storage: s.storage === "memory" ? StorageType.Memory : StorageType.File,
    num_replicas: s.replicas,
  };
  return [
    {
      ...common,
      name: s.stream,
      subjects: [`${s.subjectPrefix}.>`],
      max_age: msToNanos(s.maxAgeMs),
      max_bytes: s.maxBytes,
      max_msgs: s.maxMsgs,
      discard: s.discard === "new" ? DiscardPolicy.New : DiscardPolicy.Old,
      duplicate_window: msToNanos(s.duplicateWindowMs),
    },
    {
      ...common,
      name: s.replayStream,
      subjects: [`${s.replaySubjectPrefix}.>`],
      max_age: msToNanos(s.replayMaxAgeMs),
      duplicate_window: msToNanos(s.duplicateWindowMs),
    },
    {
      ...common,
      name: s.advisoryStream,
      subjects: [`${MAX_DELIVERIES_ADVISORY}.>`],
      max_age: msToNanos(s.advisoryMaxAgeMs),
    },
    {
      ...common,
      name: s.auditStream,
      subjects: [`${s.auditSubjectPrefix}.>`],
      max_age: msToNanos(s.auditMaxAgeMs),
    },
  ];
}

/**
 * Creates the hospital's streams, or updates their limits. For `contractkit hospital`
 * and development; in production an operator runs it once (it needs admin rights).
 */
export async function ensureDeadLetterStreams(
  jsm: JetStreamManager,
  settings: DeadLetterSettings,
): Promise<void> {
  for (const cfg of hospitalStreamConfigs(settings)) await upsertStream(jsm, cfg, "dead letters");
}

/**
 * The durable `<stream>_<consumer>` on the replay stream that feeds one event consumer
 * (created unless it exists). Subscriptions with dead letters create it themselves;
 * `contractkit hospital init` creates it for every consumer of the manifest, for services
 * that may not create consumers.
 */
export async function ensureReplayConsumer(
  jsm: JetStreamManager,
  s: DeadLetterSettings,
  stream: string,
  consumer: string,
  settings: { ackWaitMs: number; maxDeliver: number },
): Promise<boolean> {
  const durable = replayDurable(stream, consumer);
  const exists = await jsm.consumers.info(s.replayStream, durable).then(
    () => true,
    (err: unknown) => {
      if (isNotFound(err)) return false;
      throw err;
    },
  );
  if (exists) return false;
  try {
    await jsm.consumers.add(s.replayStream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: replaySubject(s, stream, consumer),
      ack_wait: msToNanos(settings.ackWaitMs),
      max_deliver: settings.maxDeliver,
    });
  } catch (err) {
    throw new Error(
      `cannot create the replay consumer ${s.replayStream}/${durable}: ${messageOf(err)}`,
      {
        cause: err,
      },
    );
  }
  return true;
}
