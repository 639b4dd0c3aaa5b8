import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import type { CodeGeneratorRequest, CodeGeneratorResponse } from "@bufbuild/protobuf/wkt";
import {
  compileToRequest,
  type ProtoSources,
  runTsProto,
  writeResponseFiles,
} from "./plugin-harness.js";

export interface GenerateOnceOptions {
  /** Inline protos, by path. */
  sources: ProtoSources;
  /** A git-ignored folder (e.g. `<test dir>/gen`); each distinct input gets a subfolder. */
  root: string;
  /** The contract plugin (passed in, so this package does not depend on it). */
  plugin: { run(request: CodeGeneratorRequest): CodeGeneratorResponse };
}

/**
 * Generates ts-proto's and the contract plugin's output for inline protos once per
 * distinct input, into `<root>/<hash>/`, and returns that folder: tests then import the
 * generated modules as a user would. Written to a temporary folder and renamed, so
 * parallel test files never see half an output.
 */
export async function generateOnce(options: GenerateOnceOptions): Promise<string> {
  const hash = createHash("sha256")
    .update(JSON.stringify(Object.entries(options.sources).sort()))
    .digest("hex")
    .slice(0, 16);
  const dir = join(options.root, hash);
  const done = join(dir, ".complete");
  if (existsSync(done)) return dir;
  const request = await compileToRequest(options.sources, {
    parameter: "target=ts,import_extension=js",
  });
  const contract = options.plugin.run(request);
  if (contract.error) throw new Error(`protoc-gen-contractkit: ${contract.error}`);
  const tmp = join(options.root, `.tmp-${randomBytes(6).toString("hex")}`);
  await mkdir(tmp, { recursive: true });
  await writeResponseFiles(contract, tmp);
  await writeResponseFiles(await runTsProto(request), tmp);
  await mkdir(join(tmp, ".complete"));
  await rename(tmp, dir).catch(async (err: unknown) => {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(done)) throw err; // lost a race to another run: theirs is as good
  });
  return dir;
}
