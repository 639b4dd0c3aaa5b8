import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { breakingSection } from "@contractkit/compat";
import { natsConfigSchema } from "@contractkit/nats";
import { parse as parseYaml } from "yaml";
import * as z from "zod";
import { CliError } from "./cli-error.js";

/**
 * `contractkit.yaml`: optional, one file, one section per verb. Each verb adds its own
 * section schema here; unknown keys are errors that list the allowed ones.
 */
export const generateSection = z
  .object({
    /** The proto folder (or buf workspace). Default: `.` when ./buf.yaml exists, else `proto`. */
    module: z.string().min(1).optional(),
    /** Output folder for generated code. Must be named `gen` or end in `/gen`. Default `gen`. */
    out: z.string().min(1).optional(),
    /**
     * Type-check each generated zod schema against ts-proto's type (default true). Set
     * false for very large contracts: it halves the type-check time and memory.
     */
    schemaCheck: z.boolean().optional(),
  })
  .strict();

const sections = {
  generate: generateSection,
  /** `contractkit breaking`: policy, baseline, exceptions (see @contractkit/compat). */
  breaking: breakingSection,
  /** `contractkit nats plan|apply` and the bus: servers, auth, streams (see @contractkit/nats). */
  nats: natsConfigSchema,
} as const;

export const configSchema = z.object(sections).partial().strict();

/**
 * The file as written: every section is validated up front (so a typo in any section is
 * reported by every verb), and each verb reads its own section with its own parser.
 */
export interface ContractKitConfig {
  generate?: z.infer<typeof generateSection>;
  breaking?: unknown;
  nats?: unknown;
}

export const CONFIG_FILE = "contractkit.yaml";

/** Loads ./contractkit.yaml if present; `{}` when there is none. */
export function loadConfig(cwd: string = process.cwd()): ContractKitConfig {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, "utf8"));
  } catch (err) {
    throw new CliError(
      "CK_CONFIG_INVALID",
      `${CONFIG_FILE}: not valid YAML: ${(err as Error).message}`,
      2,
      { cause: err },
    );
  }
  if (raw === null || raw === undefined) return {};
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = issue.path.map(String).join(".") || "(top level)";
      if (issue.code === "unrecognized_keys") {
        const where =
          issue.path.length === 0 ? Object.keys(sections) : allowedKeys(issue.path.map(String));
        return `${issue.keys.map((k) => [...issue.path.map(String), k].join(".")).join(", ")}: unknown key; allowed: ${where.join(", ")}`;
      }
      return `${key}: ${issue.message}`;
    });
    throw new CliError(
      "CK_CONFIG_INVALID",
      `${CONFIG_FILE} is invalid:\n  ${lines.join("\n  ")}`,
      2,
    );
  }
  return raw as ContractKitConfig;
}

function allowedKeys(path: string[]): string[] {
  let schema: z.ZodType = configSchema;
  for (const key of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    const next = shape?.[key];
    if (!next) return [];
    schema = (next as unknown as { unwrap?: () => z.ZodType }).unwrap?.() ?? next;
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

/**
 * The proto folder every verb uses when none is given: `generate.module`, else `.` when
 * ./buf.yaml exists (a buf workspace), else `proto`.
 */
export function defaultModuleDir(cwd: string, config: ContractKitConfig = loadConfig(cwd)): string {
  return config.generate?.module ?? (existsSync(join(cwd, "buf.yaml")) ? "." : "proto");
}
