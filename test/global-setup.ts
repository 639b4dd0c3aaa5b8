import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The end-to-end tests import the MusicCorp code that `contractkit generate` writes into
 * gen/. `npm test` generates it before vitest starts; when vitest is run on its own, this
 * generates it if it is missing (from the built CLI).
 */
export default function setup(): void {
  const root = resolve(import.meta.dirname, "..");
  if (existsSync(join(root, "gen/contractkit.manifest.json"))) return;
  const cli = join(root, "packages/cli/dist/bin.js");
  if (!existsSync(cli))
    throw new Error(
      "gen/ is missing and the CLI is not built: run `npm test` (it builds and generates first)",
    );
  const run = spawnSync(process.execPath, [cli, "generate", "--quiet"], {
    cwd: root,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`contractkit generate failed:\n${run.stderr}`);
}
