import { clone, createFileRegistry, getOption } from "@bufbuild/protobuf";
import {
  type CodeGeneratorResponse,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  type FileDescriptorSet,
} from "@bufbuild/protobuf/wkt";
import {
  buildImage,
  createCodeGeneratorRequest,
  isToolchainFile,
  openProtoInput,
  runPluginProcess,
  TS_PROTO_PARAMETER,
} from "@contractkit/compat/internal";
import { plugin as contractkitPlugin } from "@contractkit/protoc-gen";
import { toCliError } from "./errors.js";
import { tsProtoPlugin } from "./ts-proto.js";

export interface GenerateResult {
  /** Output path (relative to the output folder) → content. */
  files: Map<string, string>;
  /** Proto files generated from. */
  sources: string[];
  timings: { buildMs: number; tsProtoMs: number; contractkitMs: number };
}

export interface GenerateOptions {
  moduleDir: string;
  cwd?: string;
  includes?: string[];
  /** Parameter for protoc-gen-contractkit, e.g. `schema_check=false`. */
  pluginParameter?: string;
}

/** Builds the protos and runs ts-proto and protoc-gen-contractkit. Writes nothing. */
export async function runGenerate(options: GenerateOptions): Promise<GenerateResult> {
  const input = openProtoInput(options.moduleDir, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.includes ? { includes: options.includes } : {}),
  });
  try {
    const t0 = performance.now();
    const { fds } = await buildImage(input);
    const buildMs = performance.now() - t0;
    const sources = fds.file.map((f) => f.name).filter((name) => !isToolchainFile(name));
    const files = new Map<string, string>();
    if (sources.length === 0)
      return { files, sources, timings: { buildMs, tsProtoMs: 0, contractkitMs: 0 } };

    // ts-proto runs in its own process while the contract plugin runs here.
    const t1 = performance.now();
    let tsProtoMs = 0;
    const tsPending = runPluginProcess(
      process.execPath,
      [tsProtoPlugin()],
      createCodeGeneratorRequest(descriptorsForTsProto(fds), sources, TS_PROTO_PARAMETER),
    ).then((res) => {
      tsProtoMs = performance.now() - t1;
      return res;
    });
    let ckResponse: CodeGeneratorResponse;
    try {
      ckResponse = contractkitPlugin.run(
        createCodeGeneratorRequest(fds.file, sources, options.pluginParameter ?? ""),
      );
    } catch (err) {
      tsPending.catch(() => {});
      throw toCliError(err, input);
    }
    const contractkitMs = performance.now() - t1;
    const tsResponse = await tsPending;
    collect(files, tsResponse);
    collect(files, ckResponse);
    return { files, sources, timings: { buildMs, tsProtoMs, contractkitMs } };
  } finally {
    input.dispose();
  }
}

function collect(into: Map<string, string>, response: CodeGeneratorResponse): void {
  for (const f of response.file) {
    if (f.insertionPoint) continue;
    into.set(f.name, f.content);
  }
}

const TRANSPORT_NATS = 2;

/** Option-only imports: they carry annotations, no types, and must not be emitted. */
function isOptionOnlyImport(name: string): boolean {
  return name.startsWith("contractkit/") || name.startsWith("buf/validate/");
}

/**
 * The descriptors ts-proto sees. It must not emit grpc-js clients for NATS-transport
 * services (the contract plugin writes their NATS bindings) nor for consumer-only
 * services without methods, and the annotation files must not clutter the output, so
 * they are dropped from each file's imports (ts-proto emits every imported file).
 */
export function descriptorsForTsProto(fds: FileDescriptorSet): FileDescriptorProto[] {
  const registry = createFileRegistry(fds);
  const ext = registry.getExtension("contractkit.v1.service");
  return fds.file.map((file) => {
    const drop = new Set<string>();
    for (const s of file.service) {
      if (s.method.length === 0) {
        drop.add(s.name);
        continue;
      }
      const svc = ext
        ? registry.getService(file.package ? `${file.package}.${s.name}` : s.name)
        : undefined;
      const opt =
        svc && ext ? (getOption(svc, ext) as { transport?: number } | undefined) : undefined;
      if (opt?.transport === TRANSPORT_NATS) drop.add(s.name);
    }
    const keptDeps = file.dependency
      .map((d, i) => [d, i] as const)
      .filter(([d]) => !isOptionOnlyImport(d));
    if (drop.size === 0 && keptDeps.length === file.dependency.length) return file;
    const copy = clone(FileDescriptorProtoSchema, file);
    copy.service = copy.service.filter((s) => !drop.has(s.name));
    const newIndex = new Map(keptDeps.map(([, oldIndex], newI) => [oldIndex, newI]));
    copy.dependency = keptDeps.map(([d]) => d);
    copy.publicDependency = file.publicDependency.flatMap((i) =>
      newIndex.has(i) ? [newIndex.get(i) as number] : [],
    );
    copy.weakDependency = file.weakDependency.flatMap((i) =>
      newIndex.has(i) ? [newIndex.get(i) as number] : [],
    );
    return copy;
  });
}
