import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { DesiredConsumer, DesiredStream } from "./desired-state.js";
import { formatDuration, msToNanos, nanosToMs } from "./duration.js";

/**
 * The rules that compare one stream or consumer the contract wants with what the server
 * has (pure, no I/O; `provisioning.ts` reads the server and applies the result).
 *
 * Additive changes apply (a subject joins a stream, a limit grows, replicas change).
 * Changes that would lose data or that the server cannot make are conflicts, refused
 * with the reason: storage type, retention policy, a shrinking limit, a consumer's
 * filter or deliver policy.
 */
export type ChangeKind = "create" | "update" | "unchanged" | "conflict";

export interface PlannedChange {
  readonly resource: "stream" | "consumer";
  /** Stream name, or `STREAM/durable` for a consumer. */
  readonly name: string;
  readonly kind: ChangeKind;
  /** One line per difference (or the reasons of a conflict). */
  readonly details: readonly string[];
  /** What to send for create/update. */
  readonly streamConfig?: Partial<StreamConfig> & { name: string };
  readonly consumerConfig?: Partial<ConsumerConfig> & { durable_name: string };
  readonly stream: string;
}

export function streamConfigOf(d: DesiredStream): Partial<StreamConfig> & { name: string } {
  const s = d.settings;
  return {
    name: d.name,
    subjects: [...d.subjects],
    retention: RetentionPolicy.Limits,
    storage: s.storage === "file" ? StorageType.File : StorageType.Memory,
    num_replicas: s.replicas,
    duplicate_window: msToNanos(s.duplicateWindow),
    max_age: msToNanos(s.maxAge),
    max_bytes: s.maxBytes,
    max_msgs: s.maxMsgs,
    max_msg_size: s.maxMsgSize,
    discard: s.discard === "old" ? DiscardPolicy.Old : DiscardPolicy.New,
  };
}

export function consumerConfigOf(
  d: DesiredConsumer,
): Partial<ConsumerConfig> & { durable_name: string } {
  return {
    durable_name: d.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: d.filterSubject,
    ack_wait: msToNanos(d.settings.ackWait),
    max_deliver: d.settings.maxDeliver,
    max_ack_pending: d.settings.maxAckPending,
  };
}

/** -1 and 0 both mean "unlimited" on the server; normalise to -1 for comparisons. */
const lim = (n: number | undefined) => (n === undefined || n <= 0 ? -1 : n);
const showLimit = (n: number) => (n === -1 ? "unlimited" : String(n));

/** The change that brings `actual` (undefined: missing) to `desired`. */
export function diffStream(
  desired: DesiredStream,
  actual: StreamConfig | undefined,
): PlannedChange {
  const want = streamConfigOf(desired);
  const base = { resource: "stream", name: desired.name, stream: desired.name } as const;
  if (!actual) {
    return {
      ...base,
      kind: "create",
      details: [
        `subjects ${want.subjects?.join(", ")}`,
        `${desired.settings.storage} storage, ${desired.settings.replicas} replica(s), duplicate window ${formatDuration(desired.settings.duplicateWindow)}`,
        `max age ${formatDuration(desired.settings.maxAge)}, max bytes ${showLimit(lim(desired.settings.maxBytes))}, max msgs ${showLimit(lim(desired.settings.maxMsgs))}, max msg size ${showLimit(lim(desired.settings.maxMsgSize))}`,
      ],
      streamConfig: want,
    };
  }
  const conflicts: string[] = [];
  const updates: string[] = [];
  if (actual.storage !== want.storage) {
    conflicts.push(
      `storage is ${actual.storage} on the server and ${want.storage} in the contract: the storage type of a stream cannot change; create a new stream and move the consumers to it`,
    );
  }
  if (actual.retention !== RetentionPolicy.Limits) {
    conflicts.push(
      `retention is ${actual.retention} on the server; contract streams use limits retention (every consumer reads every event): change it by hand or use another stream`,
    );
  }
  const shrink = (label: string, have: number, wantN: number, fmt: (n: number) => string) => {
    if (have === wantN) return;
    if (wantN !== -1 && (have === -1 || wantN < have)) {
      conflicts.push(
        `${label} would shrink from ${fmt(have)} to ${fmt(wantN)}, which deletes stored messages: raise it in contractkit.yaml, or shrink it by hand after checking no consumer still needs the data`,
      );
    } else {
      updates.push(`${label} ${fmt(have)} → ${fmt(wantN)}`);
    }
  };
  const ageFmt = (n: number) => formatDuration(n === -1 ? 0 : n);
  shrink("max age", lim(nanosToMs(actual.max_age)), lim(desired.settings.maxAge), ageFmt);
  shrink("max bytes", lim(actual.max_bytes), lim(desired.settings.maxBytes), showLimit);
  shrink("max msgs", lim(actual.max_msgs), lim(desired.settings.maxMsgs), showLimit);
  shrink("max msg size", lim(actual.max_msg_size), lim(desired.settings.maxMsgSize), showLimit);

  const have = new Set(actual.subjects ?? []);
  const added = desired.subjects.filter((s) => !have.has(s));
  const extra = [...have].filter((s) => !desired.subjects.includes(s));
  for (const s of added) updates.push(`add subject ${s}`);
  if (actual.num_replicas !== want.num_replicas)
    updates.push(`replicas ${actual.num_replicas} → ${want.num_replicas}`);
  if (nanosToMs(actual.duplicate_window ?? 0) !== desired.settings.duplicateWindow) {
    updates.push(
      `duplicate window ${formatDuration(nanosToMs(actual.duplicate_window ?? 0))} → ${formatDuration(desired.settings.duplicateWindow)}`,
    );
  }
  if (actual.discard !== want.discard) updates.push(`discard ${actual.discard} → ${want.discard}`);

  if (conflicts.length > 0) return { ...base, kind: "conflict", details: conflicts };
  if (updates.length === 0) {
    return {
      ...base,
      kind: "unchanged",
      details: extra.map((s) => `keeps subject ${s} (not in the contract)`),
    };
  }
  // Subjects are only ever added: a subject the contract no longer names may still have
  // publishers running an older version.
  const { name: _name, storage: _storage, retention: _retention, ...rest } = want;
  const streamConfig = {
    ...actual,
    ...rest,
    name: desired.name,
    subjects: [...desired.subjects, ...extra],
  };
  return {
    ...base,
    kind: "update",
    details: [...updates, ...extra.map((s) => `keeps subject ${s} (not in the contract)`)],
    streamConfig,
  };
}

export function diffConsumer(
  desired: DesiredConsumer,
  actual: ConsumerConfig | undefined,
): PlannedChange {
  const want = consumerConfigOf(desired);
  const base = {
    resource: "consumer",
    name: `${desired.stream}/${desired.durable}`,
    stream: desired.stream,
  } as const;
  if (!actual) {
    return {
      ...base,
      kind: "create",
      details: [
        `durable pull consumer for ${desired.service}, filter ${desired.filterSubject}`,
        `ack wait ${formatDuration(desired.settings.ackWait)}, max deliver ${desired.settings.maxDeliver}, max ack pending ${desired.settings.maxAckPending}`,
      ],
      consumerConfig: want,
    };
  }
  const conflicts: string[] = [];
  const updates: string[] = [];
  if ((actual.filter_subject ?? "") !== want.filter_subject) {
    conflicts.push(
      `filter subject is ${actual.filter_subject || "(none)"} on the server and ${want.filter_subject} in the contract: a consumer's filter cannot change; delete the consumer (it restarts from the start of the stream) or give the new one another name`,
    );
  }
  if (actual.ack_policy !== AckPolicy.Explicit) {
    conflicts.push(
      `ack policy is ${actual.ack_policy}; contract consumers need explicit acks: delete and re-create it`,
    );
  }
  if (actual.deliver_subject) {
    conflicts.push(
      "it is a push consumer; contract consumers are pull consumers: delete and re-create it",
    );
  }
  if (nanosToMs(actual.ack_wait ?? 0) !== desired.settings.ackWait) {
    updates.push(
      `ack wait ${formatDuration(nanosToMs(actual.ack_wait ?? 0))} → ${formatDuration(desired.settings.ackWait)}`,
    );
  }
  if (actual.max_deliver !== want.max_deliver)
    updates.push(`max deliver ${actual.max_deliver} → ${want.max_deliver}`);
  if (actual.max_ack_pending !== want.max_ack_pending) {
    updates.push(`max ack pending ${actual.max_ack_pending} → ${want.max_ack_pending}`);
  }
  if (conflicts.length > 0) return { ...base, kind: "conflict", details: conflicts };
  if (updates.length === 0) return { ...base, kind: "unchanged", details: [] };
  return { ...base, kind: "update", details: updates, consumerConfig: { ...actual, ...want } };
}
