import { existsSync, readFileSync } from "node:fs";
import type { Manifest } from "@contractkit/core";
import { CliError } from "./cli-error.js";

/**
 * Reads the manifest `contractkit generate` wrote (gen/contractkit.manifest.json), with
 * an error that says what to do when it is missing or not a manifest.
 */
export function readManifestFile(path: string): Manifest {
  if (!existsSync(path)) {
    throw new CliError(
      "CK_MANIFEST_NOT_FOUND",
      `${path} not found: run \`contractkit generate\` first, or pass --manifest FILE`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(
      "CK_MANIFEST_INVALID",
      `${path}: not valid JSON (${(err as Error).message}); run \`contractkit generate\` again`,
    );
  }
  const m = parsed as Partial<Manifest> | null;
  if (m?.manifestVersion !== 1 || !Array.isArray(m.streams) || !Array.isArray(m.events)) {
    throw new CliError(
      "CK_MANIFEST_INVALID",
      `${path}: not a ContractKit manifest (manifestVersion 1 with streams and events expected); run \`contractkit generate\` again`,
    );
  }
  return m as Manifest;
}
