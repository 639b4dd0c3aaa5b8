import type { JetStreamManager, StreamConfig } from "@nats-io/jetstream";
import { isNotFound, messageOf } from "./nats-errors.js";

/**
 * Creates a stream the runtime owns (dead letters, replays, long-running requests), or
 * updates its limits to `cfg`, keeping the settings `cfg` does not name. `what` names
 * the feature in the error.
 */
export async function upsertStream(
  jsm: JetStreamManager,
  cfg: Partial<StreamConfig> & { name: string },
  what: string,
): Promise<void> {
  try {
    const info = await jsm.streams.info(cfg.name).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    if (!info) await jsm.streams.add(cfg);
    else await jsm.streams.update(cfg.name, { ...info.config, ...cfg });
  } catch (err) {
    throw new Error(`${what}: cannot provision stream ${cfg.name}: ${messageOf(err)}`, {
      cause: err,
    });
  }
}
