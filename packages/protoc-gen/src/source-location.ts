import type { AnyDesc, DescFile } from "@bufbuild/protobuf";
import { getComments } from "@bufbuild/protoplugin";

/** A 1-based position in a proto file. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Field numbers of the `options` field in the descriptor protos, by element kind. */
const OPTIONS_FIELD = { message: 7, service: 3, rpc: 4, field: 8 } as const;

/** ContractKit's extension number (the same for every options message). */
export const CONTRACTKIT_EXTENSION = 51830;

function fileOf(desc: AnyDesc): DescFile {
  switch (desc.kind) {
    case "file":
      return desc;
    case "field":
    case "oneof":
    case "rpc":
    case "enum_value":
      return fileOf(desc.parent);
    default:
      return desc.file;
  }
}

function pathOf(desc: AnyDesc): readonly number[] {
  return desc.kind === "file" ? [] : getComments(desc).sourcePath;
}

/**
 * The position of `desc` (or of a part of it, by extra source path) from the file's
 * source code info. Falls back to the longest recorded prefix of the path, then to the
 * start of the file when the request carries no source info.
 */
export function locate(desc: AnyDesc, extraPath: readonly number[] = []): SourcePosition {
  const file = fileOf(desc);
  const want = [...pathOf(desc), ...extraPath];
  const locations = file.proto.sourceCodeInfo?.location ?? [];
  let best: { len: number; span: readonly number[] } | undefined;
  for (const loc of locations) {
    const p = loc.path;
    if (p.length > want.length || (best && p.length <= best.len)) continue;
    let prefix = true;
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== want[i]) {
        prefix = false;
        break;
      }
    }
    if (prefix && loc.span.length >= 3) best = { len: p.length, span: loc.span };
  }
  return {
    file: file.proto.name,
    line: (best?.span[0] ?? 0) + 1,
    column: (best?.span[1] ?? 0) + 1,
  };
}

/** The position of the `(contractkit.v1.*)` option on a message, service, method or field. */
export function locateOption(
  desc: Extract<AnyDesc, { kind: "message" | "service" | "rpc" | "field" }>,
): SourcePosition {
  return locate(desc, [OPTIONS_FIELD[desc.kind], CONTRACTKIT_EXTENSION]);
}
