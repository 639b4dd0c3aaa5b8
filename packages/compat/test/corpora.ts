import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared/corpora` beside the repository, or $CONTRACTKIT_CORPORA. */
export function corporaDir(): string {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
  return process.env.CONTRACTKIT_CORPORA ?? resolve(repo, "../shared/corpora");
}

/**
 * Extracts a corpus tarball once into the temp folder and reuses it across test files and
 * runs (keyed by the tarball's size and mtime). Never extracted into the repository.
 */
export function extractCorpus(tarball: string): string {
  const path = join(corporaDir(), tarball);
  if (!existsSync(path)) {
    throw new Error(
      `corpus ${path} not found: put the shared corpora at ../shared/corpora or set CONTRACTKIT_CORPORA`,
    );
  }
  const st = statSync(path);
  const target = join(
    tmpdir(),
    `contractkit-corpus-${tarball.replace(/\W+/g, "-")}-${st.size}-${Math.floor(st.mtimeMs)}`,
  );
  if (existsSync(join(target, ".complete"))) return target;
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync("tar", ["-xzf", path, "-C", staging]);
  execFileSync("touch", [join(staging, ".complete")]);
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process won the race
  }
  return target;
}
