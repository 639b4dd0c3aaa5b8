import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { GrpcServiceTable } from "@contractkit/core";
import { ReflectionService } from "@grpc/reflection";

type PackageDefinition = ConstructorParameters<typeof ReflectionService>[0];

/**
 * The gRPC reflection service (v1 and v1alpha, so `grpcurl` works), fed from the
 * FileDescriptorSets the contract tables carry — the files exactly as `generate` compiled
 * them, without reloading protos at run time. Lists only the services being served.
 */
export function createReflection(tables: readonly GrpcServiceTable[]): ReflectionService {
  const files = new Map<string, Buffer>();
  for (const table of tables) {
    for (const file of splitDescriptorSet(table.fileDescriptorSet())) {
      if (!files.has(file.name)) files.set(file.name, file.bytes);
    }
  }
  const fileDescriptorProtos = [...files.values()];
  // @grpc/reflection reads only `fileDescriptorProtos` from the package definition.
  const pkg = Object.fromEntries(
    tables.map((t) => [
      t.typeName,
      { format: "Protocol Buffer 3 FileDescriptorProto", fileDescriptorProtos },
    ]),
  ) as unknown as PackageDefinition;
  return new ReflectionService(pkg, { services: tables.map((t) => t.typeName) });
}

/** A FileDescriptorSet (`repeated FileDescriptorProto file = 1`) split into its files. */
function splitDescriptorSet(set: Uint8Array): Array<{ name: string; bytes: Buffer }> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  const r = new BinaryReader(set);
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field !== 1 || wt !== WireType.LengthDelimited) {
      r.skip(wt, field);
      continue;
    }
    const bytes = r.bytes();
    out.push({ name: fileName(bytes), bytes: Buffer.from(bytes) });
  }
  return out;
}

/** `FileDescriptorProto.name` (field 1). */
function fileName(file: Uint8Array): string {
  const r = new BinaryReader(file);
  while (r.pos < r.len) {
    const [field, wt] = r.tag();
    if (field === 1 && wt === WireType.LengthDelimited) return r.string();
    r.skip(wt, field);
  }
  return "";
}
