import {
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { msToNanos } from "../duration.js";
import { isNotFound, messageOf } from "../nats-errors.js";
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
  const cfg = longRunningStreamConfig(s);
  try {
    const info = await jsm.streams.info(cfg.name).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!info) await jsm.streams.add(cfg);
    else await jsm.streams.update(cfg.name, { ...info.config, ...cfg });
  } catch (err) {
    throw new Error(
      `long-running requests: cannot provision stream ${cfg.name}: ${messageOf(err)}`,
      {
        cause: err,
      },
    );
  }
}
