import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  type BreakingConfig,
  breakingSection,
  ERROR_FORMATS,
  type ErrorFormat,
  type ExceptionSource,
  formatResult,
  isGateInputError,
  POLICY_NAMES,
  type PolicyName,
  runGate,
} from "@contractkit/compat";
import { isProtoInputError } from "@contractkit/compat/internal";
import { CliError } from "../cli-error.js";
import { CONFIG_FILE, defaultModuleDir, loadConfig } from "../config.js";
import { extraIncludeDirs } from "../generate/includes.js";
import type { Command } from "../main.js";

const HELP = `usage: contractkit breaking [INPUT] --against REF [--policy NAME] [--error-format FORMAT]

Checks that the contract in INPUT is backward compatible with REF: buf's wire and JSON
rules, the RPC surface, the deprecate-then-reserve deletion policy, event and service
bindings, and validation drift.

  INPUT                proto folder or buf workspace (default: generate.module in
                       contractkit.yaml, else "." when ./buf.yaml exists, else "proto")
  --against REF        the baseline: a git ref (main, v1.4.0, HEAD~1, origin/main; read
                       from the local repository), a directory, or a buf image (.binpb)
                       (default: breaking.against in contractkit.yaml)
  --policy NAME        default | strict | wire_json (default: breaking.policy, else default)
  --error-format FMT   text | json | github-actions | junit | sarif | markdown (default text)

Accepted breaks are listed under breaking.exceptions in contractkit.yaml (rule, element,
reason, expires, approver) or inline: // contractkit:accept RULE reason=...

Exit codes: 0 compatible; 1 breaking changes found (or an expired exception);
2 the check could not run (bad ref, compile error, unreadable config or input).`;

export const command: Command = {
  summary: "fail when the contract breaks compatibility with a baseline",
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        against: { type: "string" },
        policy: { type: "string" },
        "error-format": { type: "string", default: "text" },
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
        `expected at most one INPUT, got ${positionals.join(" ")}\n\n${HELP}`,
      );
    const format = values["error-format"] as ErrorFormat;
    if (!ERROR_FORMATS.includes(format)) {
      throw new CliError(
        "CK_USAGE",
        `--error-format ${format} is not one of ${ERROR_FORMATS.join(", ")}`,
      );
    }
    const cwd = process.cwd();
    const config = loadConfig(cwd);
    const breaking = loadBreakingSection(config.breaking, cwd);
    const policy = (values.policy ?? breaking.config.policy ?? "default") as PolicyName;
    if (!POLICY_NAMES.includes(policy))
      throw new CliError("CK_USAGE", `--policy ${policy} is not one of ${POLICY_NAMES.join(", ")}`);
    const against = values.against ?? breaking.config.against;
    if (!against)
      throw new CliError(
        "CK_USAGE",
        `--against REF is required (a git ref, a directory or a buf image)\n\n${HELP}`,
      );
    const input = positionals[0] ?? defaultModuleDir(cwd, config);

    const includes = await extraIncludeDirs(cwd);
    const result = await runGate({
      input,
      against,
      cwd,
      includes,
      policy,
      exceptions: breaking.exceptions,
    }).catch((err: unknown) => {
      if (isProtoInputError(err))
        throw new CliError(
          err.code,
          `${err.format()}\nfix the protos (or the baseline ${against}) and run again`,
          2,
          { cause: err },
        );
      if (isGateInputError(err)) throw new CliError(err.code, err.message, 2, { cause: err });
      throw err;
    });
    process.stdout.write(formatResult(format, result));
    return result.breaking ? 1 : 0;
  },
};

/**
 * The `breaking:` section of contractkit.yaml, validated, with each exception's line
 * (for messages about expired exceptions). One function, so a shared loader can replace it.
 */
export function loadBreakingSection(
  raw: unknown,
  cwd: string,
): { config: BreakingConfig; exceptions: ExceptionSource } {
  const parsed = breakingSection.safeParse(raw ?? {});
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `breaking.${i.path.map(String).join(".")}: ${i.message}`,
    );
    throw new CliError(
      "CK_CONFIG_INVALID",
      `${CONFIG_FILE} is invalid:\n  ${lines.join("\n  ")}`,
      2,
    );
  }
  const config = parsed.data;
  const exceptions = config.exceptions ?? [];
  const path = join(cwd, CONFIG_FILE);
  const text = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  let from = 0;
  const lines = exceptions.map((ex) => {
    const at = text.findIndex(
      (l, i) => i >= from && /^\s*(-\s*)?element:/.test(l) && l.includes(ex.element),
    );
    if (at < 0) return 1;
    from = at + 1;
    return at + 1;
  });
  return { config, exceptions: { exceptions, file: CONFIG_FILE, lines } };
}
