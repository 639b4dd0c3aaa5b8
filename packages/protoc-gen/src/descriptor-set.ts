import { clone, create, type DescFile, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import type { Printable } from "@bufbuild/protoplugin";
import type { EmitContext } from "./schema-emitter.js";

/** Field number buf uses in images for its own per-file metadata. */
const BUF_IMAGE_EXTENSION = 8042;

/**
 * ContractKit's own annotations carry no types: the embedded set leaves them (and
 * google/protobuf/descriptor.proto, which only they need) out, which keeps every
 * generated file ~30 KB smaller. Their option values stay in the options as unknown
 * fields, which reflection clients skip.
 */
function isAnnotationOnly(name: string): boolean {
  return name.startsWith("contractkit/");
}

/** A file and its transitive imports, imports first (annotation files left out). */
export function withDependencies(file: DescFile): DescFile[] {
  const out: DescFile[] = [];
  const seen = new Set<string>();
  const visit = (f: DescFile) => {
    if (seen.has(f.proto.name) || isAnnotationOnly(f.proto.name)) return;
    seen.add(f.proto.name);
    for (const dep of f.dependencies) visit(dep);
    out.push(f);
  };
  visit(file);
  return out;
}

/**
 * The serialized FileDescriptorSet of a file and its transitive imports, as gRPC
 * reflection serves it: no source code info, no buf image metadata; custom options kept.
 */
export function serializeFileDescriptorSet(file: DescFile): Uint8Array {
  const protos = withDependencies(file).map((f) => {
    const copy = clone(FileDescriptorProtoSchema, f.proto);
    copy.sourceCodeInfo = undefined;
    if (copy.dependency.some(isAnnotationOnly)) {
      const kept = copy.dependency
        .map((d, i) => [d, i] as const)
        .filter(([d]) => !isAnnotationOnly(d));
      const index = new Map(kept.map(([, old], i) => [old, i]));
      const remap = (list: number[]) =>
        list.flatMap((i) => (index.has(i) ? [index.get(i) as number] : []));
      copy.dependency = kept.map(([d]) => d);
      copy.publicDependency = remap(copy.publicDependency);
      copy.weakDependency = remap(copy.weakDependency);
    }
    const unknown = (copy as { $unknown?: { no: number }[] }).$unknown;
    if (unknown) {
      (copy as { $unknown?: { no: number }[] }).$unknown = unknown.filter(
        (u) => u.no !== BUF_IMAGE_EXTENSION,
      );
    }
    return copy;
  });
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: protos }));
}

/**
 * Prints `fileDescriptorSet()`: the file's FileDescriptorSet, embedded as base64 and
 * decoded once, lazily, under the symbol `fn`.
 */
export function emitDescriptorSet(ctx: EmitContext, file: DescFile, fn: Printable): void {
  const { f } = ctx;
  const base64 = Buffer.from(serializeFileDescriptorSet(file)).toString("base64");
  const data = ctx.self("fileDescriptorSetBase64");
  const cache = ctx.self("fileDescriptorSetBytes");
  f.print(
    "// The FileDescriptorSet of ",
    file.proto.name,
    " and its imports (no source info): gRPC reflection, rules.",
  );
  f.print("const ", data, " =");
  f.print(`  ${JSON.stringify(base64)};`);
  f.print("let ", cache, ": Uint8Array | undefined;");
  f.print("function ", fn, "(): Uint8Array {");
  f.print("  ", cache, " ??= new Uint8Array(Buffer.from(", data, ', "base64"));');
  f.print("  return ", cache, ";");
  f.print("}");
  f.print();
}
