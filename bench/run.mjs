#!/usr/bin/env node
// `npm run bench`: builds, then runs every benchmark under bench/ in turn, each in its own
// process so one's warm-up never flatters another. Each prints its own table; this prints
// which ran and whether it succeeded. Performance is measured here, as ratios against the
// raw libraries and buf in the same run, never as timing assertions in tests.
//
//   npm run bench                 all benchmarks
//   npm run bench -- validation   only those whose folder name matches
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const only = process.argv.slice(2);

const build = spawnSync(process.execPath, [join(root, "scripts/build.mjs")], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const benches = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(here, e.name, "run.mjs")))
  .map((e) => e.name)
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();
if (benches.length === 0) {
  console.error(
    `no benchmark matches ${only.join(", ")}; available: ${readdirSync(here).join(", ")}`,
  );
  process.exit(2);
}
const results = [];
for (const name of benches) {
  console.log(`\n=== bench/${name} ===`);
  const run = spawnSync(process.execPath, [join(here, name, "run.mjs")], {
    stdio: "inherit",
    cwd: root,
  });
  results.push({ name, ok: run.status === 0 });
}
console.log(`\n${results.map((r) => `${r.ok ? "ok  " : "FAIL"} bench/${r.name}`).join("\n")}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
