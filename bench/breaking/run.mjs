#!/usr/bin/env node
// Speed of the contract gate against plain `buf breaking` (WIRE_JSON) on Google Ads v25.
//
//   npm run build && node bench/breaking/run.mjs [--runs 9] [--check]
//
// Builds a previous/current pair from ../shared/corpora/googleapis-f8291d2.tar.gz (or
// $CONTRACTKIT_CORPORA) in the temp folder: google/ads/googleads/v25 plus every file it
// imports, with five fields deleted on the current side. Then runs, interleaved and
// alternating which goes first, `buf breaking current --against previous` and
// `contractkit breaking current --against previous` (the built CLI, a fresh process each
// time), and prints the median wall times and the median per-round ratio.
// --check exits 1 when the ratio is above the 1.2× target.
import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 9;
const TARGET = 1.2;

const cli = join(repo, "packages/cli/dist/bin.js");
if (!existsSync(cli)) fail(`${cli} not found: run \`npm run build\` first`);
const require = createRequire(join(repo, "package.json"));
const buf = require.resolve(`@bufbuild/buf-${process.platform}-${process.arch}/bin/buf`);

const corpus = extract(
  join(
    process.env.CONTRACTKIT_CORPORA ?? resolve(repo, "../shared/corpora"),
    "googleapis-f8291d2.tar.gz",
  ),
);
const pair = preparePair(corpus);
console.log(`pair: ${pair.dir} (${pair.files} files, ${pair.deleted.length} fields deleted)`);

// Sanity: both tools see the deletions.
const check = run("contractkit", ["--error-format", "json"]);
const found = JSON.parse(check.stdout).findings.filter(
  (f) => f.rule === "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
);
if (check.status !== 1 || found.length !== pair.deleted.length)
  fail(
    `gate found ${found.length} deletions (exit ${check.status}), expected ${pair.deleted.length}`,
  );
if (run("buf").status !== 100) fail("buf breaking did not report the deletions");

const times = { buf: [], contractkit: [] };
const ratios = [];
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? ["buf", "contractkit"] : ["contractkit", "buf"];
  const round = {};
  for (const tool of order) round[tool] = run(tool).ms;
  times.buf.push(round.buf);
  times.contractkit.push(round.contractkit);
  ratios.push(round.contractkit / round.buf);
  console.log(
    `run ${i + 1}/${runs}: buf ${fmt(round.buf)}  contractkit ${fmt(round.contractkit)}  ratio ${(round.contractkit / round.buf).toFixed(2)}`,
  );
}
const ratio = median(ratios);
console.log(
  `\nmedian wall time: buf breaking (WIRE_JSON) ${fmt(median(times.buf))}, contractkit breaking ${fmt(median(times.contractkit))}`,
);
console.log(
  `median ratio contractkit/buf: ${ratio.toFixed(2)}× (target ≤ ${TARGET}×: ${ratio <= TARGET ? "met" : "MISSED"})`,
);
if (args.includes("--check") && ratio > TARGET) process.exitCode = 1;

function run(tool, extra = []) {
  const [cmd, argv] =
    tool === "buf"
      ? [buf, ["breaking", "current", "--against", "previous", "--error-format", "json", ...extra]]
      : [process.execPath, [cli, "breaking", "current", "--against", "previous", ...extra]];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: pair.dir, encoding: "utf8", maxBuffer: 64 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) fail(`${tool}: ${r.error.message}`);
  return { ms, status: r.status, stdout: r.stdout };
}

/** Extracts once into the temp folder, keyed by the tarball's size and mtime. */
function extract(tarball) {
  if (!existsSync(tarball)) fail(`corpus not found: ${tarball} (set CONTRACTKIT_CORPORA)`);
  const st = statSync(tarball);
  const target = join(
    tmpdir(),
    `contractkit-corpus-googleapis-${st.size}-${Math.floor(st.mtimeMs)}`,
  );
  if (existsSync(join(target, ".complete"))) return target;
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", staging]);
  writeFileSync(join(staging, ".complete"), "");
  renameSync(staging, target);
  return target;
}

/** previous/ = Ads v25 and its imports; current/ = the same with five fields deleted. */
function preparePair(root) {
  const dir = join(tmpdir(), "contractkit-bench-breaking-ads-v25");
  rmSync(dir, { recursive: true, force: true });
  const files = closure(root, "google/ads/googleads/v25");
  const bufYaml = "version: v2\nmodules:\n  - path: .\nbreaking:\n  use: [WIRE_JSON]\n";
  for (const side of ["previous", "current"]) {
    for (const f of files) {
      mkdirSync(dirname(join(dir, side, f)), { recursive: true });
      cpSync(join(root, f), join(dir, side, f));
    }
    writeFileSync(join(dir, side, "buf.yaml"), bufYaml);
  }
  const deleted = [];
  const candidates = files
    .filter((f) => f.startsWith("google/ads/googleads/v25/resources/"))
    .sort();
  for (const f of candidates) {
    if (deleted.length === 5) break;
    const path = join(dir, "current", f);
    const lines = readFileSync(path, "utf8").split("\n");
    // the last plain single-line field of the file
    const at = lines.findLastIndex((l) => /^ {2}(optional |repeated )?[\w.]+ \w+ = \d+;$/.test(l));
    if (at < 0) continue;
    deleted.push(`${f}:${at + 1}: ${lines[at].trim()}`);
    lines.splice(at, 1);
    writeFileSync(path, lines.join("\n"));
  }
  return { dir, files: files.length, deleted };
}

/** The files reachable by imports from a folder (well-known types come with buf). */
function closure(root, folder) {
  const out = new Set();
  const todo = execFileSync("find", [folder, "-name", "*.proto"], { cwd: root, encoding: "utf8" })
    .trim()
    .split("\n");
  while (todo.length > 0) {
    const f = todo.pop();
    if (out.has(f) || f.startsWith("google/protobuf/")) continue;
    out.add(f);
    for (const m of readFileSync(join(root, f), "utf8").matchAll(
      /^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm,
    ))
      todo.push(m[1]);
  }
  return [...out];
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function fmt(ms) {
  return `${(ms / 1000).toFixed(3)} s`;
}

function fail(message) {
  console.error(`bench/breaking: ${message}`);
  process.exit(2);
}
