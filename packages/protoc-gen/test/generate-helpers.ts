import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { CodeGeneratorResponse } from "@bufbuild/protobuf/wkt";

/** Test helpers: fixture protos and response files. */

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Reads every `.proto` under a fixture folder, keyed by import path. */
export async function readProtoFixture(name: string): Promise<Record<string, string>> {
  const root = join(FIXTURES, name);
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".proto"))
        out[relative(root, path)] = await readFile(path, "utf8");
    }
  };
  await walk(root);
  return out;
}

/** The response's files by name. */
export function responseFiles(response: CodeGeneratorResponse): Map<string, string> {
  if (response.error) throw new Error(`plugin error: ${response.error}`);
  return new Map(response.file.map((f) => [f.name, f.content]));
}
