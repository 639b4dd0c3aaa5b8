import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { create, fromBinary } from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  CodeGeneratorRequestSchema,
  type CodeGeneratorResponse,
  type FileDescriptorSet,
  FileDescriptorSetSchema,
} from "@bufbuild/protobuf/wkt";
import {
  materializeValidateProto,
  runPluginProcess,
  TS_PROTO_PARAMETER,
} from "@contractkit/compat/internal";

/**
 * Test harness for protoc plugins: compiles inline proto text with the real `buf` into a
 * CodeGeneratorRequest, and runs ts-proto on a request. The ContractKit annotations
 * (`contractkit/v1/options.proto`) are importable, resolved from @contractkit/protoc-gen.
 */

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);

/** Proto files keyed by their import path, e.g. `acme/v1/orders.proto`. */
export type ProtoSources = Readonly<Record<string, string>>;

export interface CompileOptions {
  /** The plugin parameter carried by the request. Default: empty. */
  parameter?: string;
  /** Files the plugin should generate; default: every file in `sources`. */
  filesToGenerate?: readonly string[];
}

/** The folder holding `contractkit/v1/options.proto`, from the installed package. */
export function contractKitProtoDir(): string {
  const options = require.resolve("@contractkit/protoc-gen/proto/contractkit/v1/options.proto");
  return resolve(dirname(options), "..", "..");
}

/** Path of the `buf` binary shipped by @bufbuild/buf. */
export function bufBinary(): string {
  return require.resolve("@bufbuild/buf/bin/buf");
}

/** Path of ts-proto's plugin entry (a node script). */
export function tsProtoBinary(): string {
  return require.resolve("ts-proto/protoc-gen-ts_proto");
}

/**
 * Compiles `sources` with `buf build` into a FileDescriptorSet (with source code info),
 * holding the files and everything they import, in dependency order.
 */
export async function buildDescriptorSet(sources: ProtoSources): Promise<FileDescriptorSet> {
  const dir = await mkdtemp(join(tmpdir(), "ck-plugin-harness-"));
  try {
    const protoDir = join(dir, "proto");
    for (const [path, text] of Object.entries(sources)) {
      const file = join(protoDir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
    }
    await mkdir(protoDir, { recursive: true });
    // buf v2 module paths must lie inside the workspace: link the annotations in.
    await symlink(contractKitProtoDir(), join(dir, "contractkit-proto"), "dir");
    // And protovalidate's rules, materialised from @bufbuild/protovalidate.
    await symlink(materializeValidateProto(), join(dir, "validate-proto"), "dir");
    await writeFile(
      join(dir, "buf.yaml"),
      "version: v2\nmodules:\n  - path: proto\n  - path: contractkit-proto\n  - path: validate-proto\n",
    );
    let image: Buffer;
    try {
      const result = await execFileAsync(bufBinary(), ["build", "-o", "-"], {
        cwd: dir,
        encoding: "buffer",
        maxBuffer: 64 * 1024 * 1024,
      });
      image = result.stdout;
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? "";
      throw new Error(
        `buf build failed for the inline protos:\n${stderr.replaceAll(`${protoDir}/`, "").replace(/^proto\//gm, "")}`,
        {
          cause: err,
        },
      );
    }
    return fromBinary(FileDescriptorSetSchema, image);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Compiles inline proto text into the request protoc (or buf generate) would send a plugin. */
export async function compileToRequest(
  sources: ProtoSources,
  options: CompileOptions = {},
): Promise<CodeGeneratorRequest> {
  const set = await buildDescriptorSet(sources);
  const fileToGenerate = [...(options.filesToGenerate ?? Object.keys(sources))];
  for (const name of fileToGenerate) {
    if (!set.file.some((f) => f.name === name)) {
      throw new Error(`compileToRequest: "${name}" is not among the compiled files`);
    }
  }
  // Like protoc: the files to generate and what they import, imports first (buf's image
  // also holds every other file of its modules, e.g. an unused validate.proto).
  const byName = new Map(set.file.map((f) => [f.name, f]));
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    needed.add(name);
    for (const dep of byName.get(name)?.dependency ?? []) visit(dep);
  };
  for (const name of fileToGenerate) visit(name);
  return create(CodeGeneratorRequestSchema, {
    fileToGenerate,
    parameter: options.parameter ?? "",
    protoFile: set.file.filter((f) => needed.has(f.name)),
  });
}

/** The ts-proto parameter ContractKit generates with: the CLI's own, so tests see what users get. */
export { TS_PROTO_PARAMETER };

/** Runs ts-proto on a request (its parameter replaced by `parameter`) and decodes the response. */
export function runTsProto(
  request: CodeGeneratorRequest,
  parameter: string = TS_PROTO_PARAMETER,
): Promise<CodeGeneratorResponse> {
  return runPluginProcess(process.execPath, [tsProtoBinary()], { ...request, parameter });
}

/** Writes a response's files under `dir` (creating folders). */
export async function writeResponseFiles(
  response: CodeGeneratorResponse,
  dir: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of response.file) {
    const path = join(dir, file.name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    written.push(file.name);
  }
  return written;
}
