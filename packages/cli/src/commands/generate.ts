import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { CliError } from "../cli-error.js";
import { defaultModuleDir, loadConfig } from "../config.js";
import { toCliError } from "../generate/errors.js";
import { extraIncludeDirs } from "../generate/includes.js";
import { runGenerate } from "../generate/pipeline.js";
import { watchTree } from "../generate/watch-tree.js";
import { staleFiles, writeOutputAtomically } from "../generate/write-output.js";
import type { Command } from "../main.js";

const HELP = `usage: contractkit generate [MODULE_DIR] [--out DIR] [--check] [--watch]

Builds the protos in MODULE_DIR with buf, then writes ts-proto's messages and grpc-js
services and ContractKit's NATS bindings, method tables, zod schemas and manifest.

  MODULE_DIR   proto folder or buf workspace (default: contractkit.yaml generate.module,
               else "." when ./buf.yaml exists, else "proto")
  --out DIR    output folder (default: generate.out, else "gen"); replaced atomically
  --check      write nothing; exit 1 when the output is stale
  --watch      regenerate whenever a .proto file changes
  --quiet      print nothing on success

Exit codes: 0 ok; 1 stale (--check); 2 bad input (compile error, contract error, config).`;

export const command: Command = {
  summary: "generate typed code from the contracts",
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        check: { type: "boolean", default: false },
        watch: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    if (positionals.length > 1)
      throw new CliError(
        "CK_USAGE",
        `expected at most one MODULE_DIR, got ${positionals.join(" ")}\n\n${HELP}`,
      );
    const cwd = process.cwd();
    const fileConfig = loadConfig(cwd);
    const config = fileConfig.generate ?? {};
    const moduleDir = positionals[0] ?? defaultModuleDir(cwd, fileConfig);
    const outDir = values.out ?? config.out ?? "gen";
    if (values.check && values.watch)
      throw new CliError("CK_USAGE", "--check and --watch cannot be combined");

    const once = async (): Promise<number> => {
      const started = performance.now();
      const includes = await extraIncludeDirs(cwd);
      const pluginParameter = config.schemaCheck === false ? "schema_check=false" : "";
      const result = await runGenerate({ moduleDir, cwd, includes, pluginParameter }).catch(
        (err: unknown) => {
          throw toCliError(err);
        },
      );
      if (values.check) {
        const stale = staleFiles(outDir, result.files);
        if (stale.length > 0) {
          console.error(
            `contractkit generate --check: ${outDir} is stale (${stale.length} file(s)); run \`contractkit generate\`:\n  ${stale.join("\n  ")}`,
          );
          return 1;
        }
        if (!values.quiet)
          console.log(
            `contractkit generate --check: ${outDir} is up to date (${result.files.size} files)`,
          );
        return 0;
      }
      writeOutputAtomically(outDir, result.files);
      if (!values.quiet) {
        const t = result.timings;
        const total = ((performance.now() - started) / 1000).toFixed(2);
        console.log(
          `contractkit generate: wrote ${result.files.size} files for ${result.sources.length} proto file(s) to ${outDir}/ in ${total} s ` +
            `(buf ${ms(t.buildMs)}, ts-proto ${ms(t.tsProtoMs)}, contractkit ${ms(t.contractkitMs)})`,
        );
        for (const name of [...result.files.keys()].sort()) console.log(`  ${join(outDir, name)}`);
      }
      return 0;
    };

    if (!values.watch) return once();
    return watchLoop(resolve(cwd, moduleDir), resolve(cwd, outDir), once);
  },
};

function ms(v: number): string {
  return `${Math.round(v)} ms`;
}

async function watchLoop(
  dir: string,
  outAbs: string,
  once: () => Promise<number>,
): Promise<number> {
  const runSafely = async () => {
    try {
      await once();
    } catch (err) {
      const e = toCliError(err);
      console.error(`contractkit generate: ${e.message} [${e.code}]`);
    }
  };
  await runSafely();
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const watcher = watchTree(
    dir,
    (name) => {
      if (!name.endsWith(".proto") && !name.endsWith(".yaml")) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(runSafely);
      }, 100);
    },
    // The output may sit inside the module folder: never react to our own writes.
    (rel) => {
      const abs = join(dir, rel);
      return abs === outAbs || abs.startsWith(`${outAbs}/`);
    },
  );
  console.log(
    `contractkit generate: watching ${relative(process.cwd(), dir) || "."} for .proto changes (Ctrl-C to stop)`,
  );
  return new Promise<number>((resolvePromise) => {
    const stop = () => {
      watcher.close();
      clearTimeout(timer);
      void running.then(() => resolvePromise(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
