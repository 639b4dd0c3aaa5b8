import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import type { ImportSymbol, Printable } from "@bufbuild/protoplugin";
import type { EmitContext } from "./schema-emitter.js";
import {
  contractImportPath,
  isToolingFile,
  tsProtoImportPath,
  tsTypeName,
} from "./ts-proto-names.js";

/**
 * Schemas of single values as ts-proto 2.18 types them (`forceLong=string`,
 * `useDate=true`, `env=node`): scalars, well-known types, references to user messages.
 */

const INT64_PATTERN = "/^-?\\d+$/";
const UINT64_PATTERN = "/^\\d+$/";

const WRAPPERS: Record<string, ScalarType> = {
  "google.protobuf.DoubleValue": ScalarType.DOUBLE,
  "google.protobuf.FloatValue": ScalarType.FLOAT,
  "google.protobuf.Int64Value": ScalarType.INT64,
  "google.protobuf.UInt64Value": ScalarType.UINT64,
  "google.protobuf.Int32Value": ScalarType.INT32,
  "google.protobuf.UInt32Value": ScalarType.UINT32,
  "google.protobuf.BoolValue": ScalarType.BOOL,
  "google.protobuf.StringValue": ScalarType.STRING,
  "google.protobuf.BytesValue": ScalarType.BYTES,
};

/** ts-proto maps these to `T | undefined` even where other messages are plain (oneof, map value). */
export function isWrapperLike(desc: DescMessage): boolean {
  return (
    desc.typeName in WRAPPERS ||
    desc.typeName === "google.protobuf.Struct" ||
    desc.typeName === "google.protobuf.Value" ||
    desc.typeName === "google.protobuf.ListValue" ||
    desc.typeName === "google.protobuf.FieldMask"
  );
}

/** The schema of a scalar value as ts-proto types it. */
export function scalarSchema(ctx: EmitContext, scalar: ScalarType): Printable {
  const z = ctx.z;
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      // NaN and ±Infinity are valid protobuf floats; z.number() rejects them.
      return [z, `.custom<number>((v) => typeof v === "number", "expected a number")`];
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return [z, ".int32()"];
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return [z, ".uint32()"];
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      // ts-proto ignores `jstype` unless useJsTypeOverride is set: always a string here.
      return [z, `.string().regex(${INT64_PATTERN}, "expected an int64 as a decimal string")`];
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return [z, `.string().regex(${UINT64_PATTERN}, "expected a uint64 as a decimal string")`];
    case ScalarType.BOOL:
      return [z, ".boolean()"];
    case ScalarType.STRING:
      return [z, ".string()"];
    case ScalarType.BYTES:
      return [z, `.custom<Buffer>((v) => v instanceof Uint8Array, "expected bytes (a Buffer)")`];
  }
}

/** The schema of a message value (no `| undefined`), well-known types as ts-proto maps them. */
export function messageValueSchema(ctx: EmitContext, desc: DescMessage): Printable {
  const z = ctx.z;
  const wrapped = WRAPPERS[desc.typeName];
  if (wrapped !== undefined) return scalarSchema(ctx, wrapped);
  switch (desc.typeName) {
    case "google.protobuf.Timestamp":
      return [z, ".date()"];
    case "google.protobuf.Duration":
      return [
        z,
        ".object({ seconds: ",
        scalarSchema(ctx, ScalarType.INT64),
        ", nanos: ",
        z,
        ".int32() })",
      ];
    case "google.protobuf.Struct":
      return [z, ".record(", z, ".string(), ", z, ".any())"];
    case "google.protobuf.Value":
      return [z, ".any()"];
    case "google.protobuf.ListValue":
      return [z, ".array(", z, ".any())"];
    case "google.protobuf.FieldMask":
      return [z, ".array(", z, ".string())"];
    case "google.protobuf.Any":
      return [
        z,
        ".object({ typeUrl: ",
        z,
        ".string(), value: ",
        scalarSchema(ctx, ScalarType.BYTES),
        " })",
      ];
    case "google.protobuf.Empty":
      return [z, ".object({})"];
  }
  if (isToolingFile(desc.file)) {
    // A message of an imported option or Google file: typed, checked as an object.
    const type = ctx.f.import(tsTypeName(desc), tsProtoImportPath(desc.file), true);
    return [
      z,
      ".custom<",
      type,
      `>((v) => typeof v === "object" && v !== null, "expected a ${desc.typeName}")`,
    ];
  }
  return [z, ".lazy(() => ", schemaSymbol(ctx, desc), ")"];
}

/** The `FooSchema` symbol of a user message: local, or imported from its contract file. */
export function schemaSymbol(ctx: EmitContext, desc: DescMessage): ImportSymbol {
  const name = `${tsTypeName(desc)}Schema`;
  return desc.file === ctx.file
    ? ctx.self(name)
    : ctx.f.import(name, contractImportPath(desc.file));
}

/** `T | undefined` with a required key, as ts-proto types message fields and oneofs. */
export function orUndefined(ctx: EmitContext, schema: Printable): Printable {
  return [ctx.f.import("orUndefined", "@contractkit/core"), "(", schema, ")"];
}

/** ts-proto makes these properties optional (`?:`): proto3 `optional`, proto2 `optional`. */
export function isOptionalProperty(field: DescField): boolean {
  if (field.fieldKind === "list" || field.fieldKind === "map" || field.oneof) return false;
  if (field.proto.proto3Optional) return true;
  const syntax = field.parent.file.proto.syntax;
  return syntax === "proto2" || syntax === ""
    ? field.proto.label === 1 /* LABEL_OPTIONAL */
    : false;
}
