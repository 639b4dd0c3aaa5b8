import { CliError, isCliError } from "./cli-error.js";

/** A verb: parses its own arguments, returns the exit code. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

// Each verb lives in src/commands/<verb>.ts and is loaded only when used.
const commands: Record<string, () => Promise<{ command: Command }>> = {
  // verbs are registered here, one line each
  breaking: () => import("./commands/breaking.js"),
  generate: () => import("./commands/generate.js"),
  hospital: () => import("./commands/hospital/index.js"),
  init: () => import("./commands/init.js"),
  nats: () => import("./commands/nats.js"),
};

function usage(): string {
  const verbs = Object.keys(commands).sort();
  return [
    "usage: contractkit <command> [options]",
    "",
    "commands:",
    ...verbs.map((v) => `  ${v}`),
    "",
    "Run `contractkit <command> --help` for a command's options.",
    "Exit codes: 0 ok, 1 check failed (stale output, breaking change), 2 bad input, 3 internal error.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (!verb || verb === "--help" || verb === "-h" || verb === "help") {
    console.log(usage());
    return verb ? 0 : 2;
  }
  if (verb === "--version" || verb === "-v") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../package.json") as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const load = commands[verb];
  if (!load) {
    console.error(`contractkit: unknown command "${verb}" [CK_UNKNOWN_COMMAND]\n\n${usage()}`);
    return 2;
  }
  try {
    const { command } = await load();
    return await command.run(rest);
  } catch (err) {
    if (isCliError(err)) {
      console.error(`contractkit ${verb}: ${err.message} [${err.code}]`);
      return err.exitCode;
    }
    const nodeCode = (err as { code?: unknown }).code;
    if (typeof nodeCode === "string" && nodeCode.startsWith("ERR_PARSE_ARGS")) {
      console.error(
        `contractkit ${verb}: ${(err as Error).message}; see \`contractkit ${verb} --help\` [CK_USAGE]`,
      );
      return 2;
    }
    throw err;
  }
}

export { CliError };
