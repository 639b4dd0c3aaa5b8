import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { isToolingFile, tsOneofName, tsPropertyName } from "../ts-proto-names.js";
import { isOptionalProperty } from "../value-schemas.js";
import { fieldRuleSpec, messageRuleSpec } from "./compile-rules.js";

/**
 * The `withFastCheck(schema, spec)` spec of a message: ts-proto's shape of each field
 * (mirroring the zod schema the plugin emits) and its rules, for `validate`'s fast
 * accept path. Undefined when a field has a shape the fast path does not model (most
 * well-known types, option-file messages): such messages always go through zod.
 * Nested messages are `{ msg: () => FooSchema }`, given as the caller's printable.
 */
export function compileFastSpec<P>(
  message: DescMessage,
  schemaRef: (desc: DescMessage) => P,
): Array<string | P> | undefined {
  const refs: P[] = [];
  const kindOf = (field: DescField): unknown => {
    const element =
      field.fieldKind === "list"
        ? field.listKind
        : field.fieldKind === "map"
          ? field.mapKind
          : field.fieldKind;
    if (element === "enum") return "enum";
    // ts-proto ignores `jstype` (no useJsTypeOverride): 64-bit integers are always strings.
    if (element === "scalar" && field.scalar !== undefined) return scalarKind(field.scalar);
    const desc = field.message;
    if (!desc) return undefined;
    const wrapped = WRAPPERS[desc.typeName];
    if (wrapped !== undefined) return scalarKind(wrapped);
    if (desc.typeName === "google.protobuf.Timestamp") return "date";
    if (isToolingFile(desc.file)) return undefined;
    refs.push(schemaRef(desc));
    return { msg: `\u0000${refs.length - 1}\u0000` };
  };
  const fieldSpec = (field: DescField, inOneof: boolean): Record<string, unknown> | undefined => {
    let kind: unknown;
    let presence: string | undefined;
    if (field.fieldKind === "list") {
      const item = kindOf(field);
      kind = item === undefined ? undefined : { list: item };
    } else if (field.fieldKind === "map") {
      const value = kindOf(field);
      const key =
        field.mapKey === ScalarType.BOOL
          ? "bool"
          : field.mapKey === ScalarType.STRING
            ? "string"
            : "int";
      kind = value === undefined ? undefined : { map: value, key };
      // ts-proto types wrapper map values `T | undefined`: not modelled.
      if (field.mapKind === "message" && WRAPPERS[field.message.typeName] !== undefined)
        kind = undefined;
    } else {
      kind = kindOf(field);
      const wrapperLike =
        field.fieldKind === "message" && WRAPPERS[field.message.typeName] !== undefined;
      if (isOptionalProperty(field)) presence = "optional";
      else if (field.fieldKind === "message" && (!inOneof || wrapperLike)) presence = "undefined";
    }
    if (kind === undefined) return undefined;
    const out: Record<string, unknown> = { key: tsPropertyName(field), kind };
    if (presence) out.presence = presence;
    const rules = fieldRuleSpec(field);
    if (rules) out.rules = rules;
    return out;
  };
  const fields: unknown[] = [];
  for (const field of message.fields) {
    if (field.oneof) continue;
    const spec = fieldSpec(field, false);
    if (!spec) return undefined;
    fields.push(spec);
  }
  const oneofs: unknown[] = [];
  for (const oneof of message.oneofs) {
    const members: unknown[] = [];
    for (const field of oneof.fields) {
      const spec = fieldSpec(field, true);
      if (!spec) return undefined;
      members.push(spec);
    }
    oneofs.push({ key: tsOneofName(oneof), members });
  }
  const spec: Record<string, unknown> = { fields };
  if (oneofs.length) spec.oneofs = oneofs;
  const rules = messageRuleSpec(message);
  if (rules) spec.message = rules;
  const json = JSON.stringify(spec);
  const parts: Array<string | P> = [];
  json.split(/"\\u0000(\d+)\\u0000"/).forEach((piece, i) => {
    if (i % 2 === 0) parts.push(piece);
    else parts.push("() => ", refs[Number(piece)] as P);
  });
  return parts;
}

function scalarKind(scalar: ScalarType): string {
  switch (scalar) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return "float";
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return "int32";
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return "uint32";
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return "int64";
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return "uint64";
    case ScalarType.BOOL:
      return "bool";
    case ScalarType.STRING:
      return "string";
    case ScalarType.BYTES:
      return "bytes";
  }
}

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
