import { existsSync } from "node:fs";
import type { Manifest } from "@contractkit/core";
import {
  assertNoSubjectOverlap,
  type Bus,
  type DeadLetterSettings,
  durableName,
  ensureDeadLetterStreams,
  ensureReplayConsumer,
} from "@contractkit/nats";
import { CliError } from "../../cli-error.js";
import { readManifestFile } from "../../manifest-file.js";
import { loadNatsConfig } from "../../nats-connection.js";

type JetStreamManager = Awaited<ReturnType<Bus["manager"]>>;

export const DEFAULT_MANIFEST = "gen/contractkit.manifest.json";

/**
 * Creates the hospital's streams, and a replay consumer for every consumer the manifest
 * declares (services without the right to create consumers still receive replays).
 */
export async function init(
  jsm: JetStreamManager,
  settings: DeadLetterSettings,
  path?: string,
): Promise<number> {
  const file = path ?? (existsSync(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : undefined);
  const manifest = file ? readManifest(file, settings) : undefined;
  const failed = (err: unknown): never => {
    throw new CliError(
      "CK_HOSPITAL_INIT_FAILED",
      `${(err as Error).message}; check the account's JetStream limits`,
      2,
      {
        cause: err,
      },
    );
  };
  await ensureDeadLetterStreams(jsm, settings).catch(failed);
  console.log(
    `Streams ready: ${settings.stream}, ${settings.replayStream}, ${settings.advisoryStream}, ${settings.auditStream}.`,
  );
  const consumers = (manifest?.events ?? []).flatMap((e) =>
    e.stream
      ? e.consumers.map((svc) => ({
          stream: e.stream as string,
          durable: durableName(svc, e.name),
        }))
      : [],
  );
  const { ackWait, maxDeliver } = loadNatsConfig().consumers;
  let created = 0;
  for (const c of consumers) {
    const made = await ensureReplayConsumer(jsm, settings, c.stream, c.durable, {
      ackWaitMs: ackWait,
      maxDeliver,
    }).catch(failed);
    if (made) created++;
  }
  if (consumers.length > 0)
    console.log(
      `Replay consumers: ${created} created, ${consumers.length - created} already there.`,
    );
  return 0;
}

/** Reads the manifest and refuses one whose event or RPC subjects overlap the hospital's. */
function readManifest(path: string, settings: DeadLetterSettings): Manifest {
  const manifest = readManifestFile(path);
  const subjects = [
    ...(manifest.streams ?? []).flatMap((s) => s.subjects),
    ...(manifest.services ?? []).flatMap((s) =>
      s.methods.map((m) => m.subject ?? "").filter(Boolean),
    ),
  ];
  try {
    assertNoSubjectOverlap(settings, subjects);
  } catch (err) {
    throw new CliError("CK_HOSPITAL_OVERLAP", (err as Error).message, 2, { cause: err });
  }
  return manifest;
}
