import {
  AckPolicy,
  type ConsumerConfig,
  DeliverPolicy,
  DiscardPolicy,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { DesiredConsumer, DesiredState, DesiredStream } from "./desired-state.js";
import { formatDuration, msToNanos, nanosToMs } from "./duration.js";
import { isNotFound } from "./nats-errors.js";

/**
 * Compares the streams and consumers a contract wants with what the server has. Pure
 * diffing (`diffStream`, `diffConsumer`) is separate from I/O (`planProvisioning`,
 * `applyPlan`) so the rules can be unit-tested.
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

export interface ProvisioningPlan {
  readonly changes: readonly PlannedChange[];
  readonly conflicts: readonly PlannedChange[];
  /** True when applying would change something. */
  readonly pending: boolean;
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

/** Reads the server's state and computes the plan. Needs read access to `$JS.API.>`. */
export async function planProvisioning(
  jsm: JetStreamManager,
  desired: DesiredState,
): Promise<ProvisioningPlan> {
  const changes: PlannedChange[] = [];
  for (const stream of desired.streams) {
    const actual = await jsm.streams.info(stream.name).then(
      (i) => i.config,
      (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      },
    );
    changes.push(diffStream(stream, actual));
  }
  for (const consumer of desired.consumers) {
    const actual = await jsm.consumers.info(consumer.stream, consumer.durable).then(
      (i) => i.config,
      (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      },
    );
    changes.push(diffConsumer(consumer, actual));
  }
  const conflicts = changes.filter((c) => c.kind === "conflict");
  return {
    changes,
    conflicts,
    pending: changes.some((c) => c.kind === "create" || c.kind === "update"),
  };
}

/** Thrown by `applyPlan` when the plan has conflicts; nothing has been changed. */
export class ProvisioningConflictError extends Error {
  override name = "ProvisioningConflictError";
  constructor(readonly conflicts: readonly PlannedChange[]) {
    super(
      `refusing to provision: ${conflicts.length} conflicting change(s), nothing was changed:\n${conflicts
        .map((c) => `  ${c.resource} ${c.name}: ${c.details.join("; ")}`)
        .join("\n")}`,
    );
  }
}

/** Applies every create and update, streams first. Refuses the whole plan on any conflict. */
export async function applyPlan(
  jsm: JetStreamManager,
  plan: ProvisioningPlan,
): Promise<PlannedChange[]> {
  if (plan.conflicts.length > 0) throw new ProvisioningConflictError(plan.conflicts);
  const done: PlannedChange[] = [];
  const ordered = [...plan.changes].sort((a, b) =>
    a.resource === b.resource ? 0 : a.resource === "stream" ? -1 : 1,
  );
  for (const c of ordered) {
    try {
      if (c.resource === "stream" && c.streamConfig) {
        if (c.kind === "create") await jsm.streams.add(c.streamConfig);
        else if (c.kind === "update") await jsm.streams.update(c.streamConfig.name, c.streamConfig);
      } else if (c.resource === "consumer" && c.consumerConfig) {
        if (c.kind === "create") await jsm.consumers.add(c.stream, c.consumerConfig);
        else if (c.kind === "update")
          await jsm.consumers.update(c.stream, c.consumerConfig.durable_name, c.consumerConfig);
      }
    } catch (err) {
      throw new Error(`${c.kind} ${c.resource} ${c.name} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (c.kind === "create" || c.kind === "update") done.push(c);
  }
  return done;
}

const SIGN: Record<ChangeKind, string> = {
  create: "+",
  update: "~",
  unchanged: "=",
  conflict: "!",
};

/** Human-readable plan, one block per resource. */
export function formatPlan(plan: ProvisioningPlan): string {
  if (plan.changes.length === 0) return "The contract declares no streams.";
  const lines: string[] = [];
  for (const c of plan.changes) {
    lines.push(
      `${SIGN[c.kind]} ${c.resource} ${c.name}${c.kind === "unchanged" ? " (up to date)" : ` (${c.kind})`}`,
    );
    for (const d of c.details) lines.push(`    ${d}`);
  }
  const count = (k: ChangeKind) => plan.changes.filter((c) => c.kind === k).length;
  lines.push(
    "",
    `${count("create")} to create, ${count("update")} to update, ${count("unchanged")} unchanged, ${count("conflict")} conflict(s)`,
  );
  return lines.join("\n");
}
