import {
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { msToNanos } from "../duration.js";
import { upsertStream } from "../upsert-stream.js";
import type { LongRunningSettings } from "./long-running-settings.js";

/** The stream that carries long-running requests and their answers. */
export function longRunningStreamConfig(
  s: LongRunningSettings,
): Partial<StreamConfig> & { name: string } {
  return {
    name: s.stream,
    subjects: [`${s.subjectPrefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: s.storage === "memory" ? StorageType.Memory : StorageType.File,
    num_replicas: s.replicas,
    max_age: msToNanos(s.maxAgeMs),
    // An answer re-sent after a responder crash carries the same id: dropped within it.
    duplicate_window: msToNanos(600_000),
  };
}

/** Creates the stream (or updates its limits). Development and `contractkit` tooling; needs admin rights. */
export async function ensureLongRunningStream(
  jsm: JetStreamManager,
  s: LongRunningSettings,
): Promise<void> {
  await upsertStream(jsm, longRunningStreamConfig(s), "long-running requests");
}
