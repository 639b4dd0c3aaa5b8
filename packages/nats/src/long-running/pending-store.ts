import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
} from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { readStream } from "../hospital/stream-reader.js";
import type { LongRunningSettings } from "./long-running-settings.js";

/** A pending long-running request, as the caller keeps it (JSON in the KV bucket). */
export interface PendingRequest {
  readonly requestId: string;
  readonly correlationId: string;
  readonly service: string;
  readonly method: string;
  /** ISO times. */
  readonly sentAt: string;
  readonly deadline: string;
  /** The caller's own data, handed back with the outcome (what to do with the answer). */
  readonly context: Readonly<Record<string, string>>;
  /** `timing-out` once an instance has claimed the time-out report. */
  readonly state: "pending" | "timing-out";
  readonly claimedAt?: string;
}

export interface PendingEntry {
  readonly key: string;
  readonly revision: number;
  readonly value: PendingRequest;
}

/**
 * The caller's pending requests in a KV bucket, so any instance can match an answer or
 * report a time-out. Claims use the entry's revision (compare-and-set): of two instances
 * racing for the same entry, one wins.
 */
export class PendingStore {
  private constructor(
    private readonly kv: KV,
    private readonly bucket: string,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  static async open(nc: NatsConnection, s: LongRunningSettings): Promise<PendingStore> {
    const kv = await new Kvm(nc).create(s.bucket, {
      ttl: s.pendingTtlMs,
      history: 1,
      replicas: s.replicas,
      storage: s.storage === "memory" ? StorageType.Memory : StorageType.File,
    });
    return new PendingStore(
      kv,
      s.bucket,
      jetstream(nc),
      await jetstreamManager(nc, { checkAPI: false }),
    );
  }

  async add(key: string, value: PendingRequest): Promise<void> {
    await this.kv.create(key, JSON.stringify(value));
  }

  async get(key: string): Promise<PendingEntry | undefined> {
    const e = await this.kv.get(key);
    if (e?.operation !== "PUT" || e.length === 0) return undefined;
    return { key, revision: e.revision, value: e.json<PendingRequest>() };
  }

  /** Marks an entry as being reported as timed out; false when another instance got there first. */
  async claim(entry: PendingEntry, now: Date): Promise<PendingEntry | undefined> {
    const value: PendingRequest = {
      ...entry.value,
      state: "timing-out",
      claimedAt: now.toISOString(),
    };
    try {
      const revision = await this.kv.update(entry.key, JSON.stringify(value), entry.revision);
      return { key: entry.key, revision, value };
    } catch {
      return undefined;
    }
  }

  /** Removes a finished entry; false when it changed in between (another instance claimed it). */
  async finish(entry: PendingEntry): Promise<boolean> {
    try {
      await this.kv.delete(entry.key, { previousSeq: entry.revision });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Keys under a prefix (`<caller>.<service>`), read from the bucket's stream (newest
   * entry per key, deleted keys skipped) so that the listing always ends.
   */
  async keys(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const subjectPrefix = `$KV.${this.bucket}.`;
    for await (const m of readStream(
      this.js,
      this.jsm,
      `KV_${this.bucket}`,
      `${subjectPrefix}${prefix}.>`,
      undefined,
      true,
    )) {
      const op = m.msg.headers?.get("KV-Operation") ?? "";
      if (op === "" || op === "PUT") out.push(m.subject.slice(subjectPrefix.length));
    }
    return out;
  }
}
