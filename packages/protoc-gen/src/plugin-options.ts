import { PluginOptionsError } from "./contract-definition-error.js";

/** The plugin's own options (besides protoplugin's `target`, `import_extension`, ...). */
export interface ContractKitPluginOptions {
  /** Write `contractkit.manifest.json` at the output root. Default true. */
  readonly manifest: boolean;
  /** File name of the manifest, relative to the output root. */
  readonly manifestFile: string;
  /**
   * Type-check each zod schema against ts-proto's interface (`schema_check=true`, the
   * default: a ts-proto upgrade that changes a shape fails the user's build). `false`
   * casts instead, for very large contracts (Google Ads v25, 923 files: tsc 29 s and
   * 2.5 GB instead of 58 s and 6 GB).
   */
  readonly schemaCheck: boolean;
}

export const DEFAULT_MANIFEST_FILE = "contractkit.manifest.json";

const BOOLEAN: Record<string, boolean> = { true: true, "1": true, false: false, "0": false };

/**
 * Parses the plugin parameter's `key=value` pairs that protoplugin does not handle.
 * Accepted: `manifest=true|false`, `manifest_file=<path ending in .json>`,
 * `schema_check=true|false`.
 */
export function parseContractKitOptions(
  raw: ReadonlyArray<{ key: string; value: string }>,
): ContractKitPluginOptions {
  let manifest = true;
  let manifestFile = DEFAULT_MANIFEST_FILE;
  let schemaCheck = true;
  for (const { key, value } of raw) {
    switch (key) {
      case "manifest": {
        const v = BOOLEAN[value];
        if (v === undefined) {
          throw new PluginOptionsError(key, `expected true or false, got "${value}"`);
        }
        manifest = v;
        break;
      }
      case "schema_check": {
        const v = BOOLEAN[value];
        if (v === undefined) {
          throw new PluginOptionsError(key, `expected true or false, got "${value}"`);
        }
        schemaCheck = v;
        break;
      }
      case "manifest_file":
        if (
          !/^[\w./-]+\.json$/.test(value) ||
          value.startsWith("/") ||
          value.split("/").includes("..")
        ) {
          throw new PluginOptionsError(
            key,
            `expected a relative path ending in .json inside the output folder, got "${value}"`,
          );
        }
        manifestFile = value;
        break;
      default:
        throw new PluginOptionsError(
          key,
          "unknown option; protoc-gen-contractkit accepts manifest=true|false, manifest_file=<name>.json and schema_check=true|false " +
            "(plus protoplugin's import_extension, ts_nocheck, rewrite_imports, keep_empty_files)",
        );
    }
  }
  return { manifest, manifestFile, schemaCheck };
}

/**
 * Defaults protoplugin's own options for ContractKit: TypeScript only (`target=ts`) and
 * `.js` suffixes on relative imports (NodeNext ESM, like ts-proto's `importSuffix=.js`).
 * Throws for a target other than `ts`: the output is TypeScript for the user's build.
 */
export function withPluginDefaults(parameter: string): string {
  const parts = parameter.split(",").filter((p) => p.trim() !== "");
  let hasTarget = false;
  let hasExtension = false;
  for (const part of parts) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? "" : part.slice(eq + 1).trim();
    if (key === "target") {
      hasTarget = true;
      if (value !== "ts") {
        throw new PluginOptionsError(
          key,
          `only "ts" is supported (got "${value}"); compile the output with your build`,
        );
      }
    }
    if (key === "import_extension") hasExtension = true;
  }
  if (!hasTarget) parts.unshift("target=ts");
  if (!hasExtension) parts.push("import_extension=js");
  return parts.join(",");
}
