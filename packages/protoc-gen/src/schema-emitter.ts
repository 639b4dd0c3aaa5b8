import {
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescOneof,
  ScalarType,
} from "@bufbuild/protobuf";
import type { GeneratedFile, ImportSymbol, Printable } from "@bufbuild/protoplugin";
import { tsOneofName, tsPropertyName, tsProtoImportPath, tsTypeName } from "./ts-proto-names.js";
import {
  isOptionalProperty,
  isWrapperLike,
  messageValueSchema,
  orUndefined,
  scalarSchema,
} from "./value-schemas.js";

// Re-exported for the rule compiler (src/validation), which mirrors these shapes.
export { isOptionalProperty, scalarSchema, schemaSymbol } from "./value-schemas.js";

/**
 * Emits one zod schema per message, matching ts-proto's TypeScript shape exactly (under
 * `strict` and `exactOptionalPropertyTypes`), with ts-proto run as
 * `forceLong=string,oneof=unions,useDate=true,env=node`.
 *
 * Every field schema goes through one function per field kind (`FieldSchemaEmitters`),
 * and each finished field schema through `wrapField`, so a rule compiler (protovalidate
 * `buf.validate` rules → zod refinements) can extend the output without touching this
 * file: pass `createSchemaEmitter({ wrapField })`.
 */

/** What the emitters print with. */
export interface EmitContext {
  readonly f: GeneratedFile;
  /** The proto file being generated. */
  readonly file: DescFile;
  /** `z` from "zod". */
  readonly z: ImportSymbol;
  /** A symbol declared in this output file (reserves its name). */
  self(name: string): ImportSymbol;
  /**
   * The file's `fileDescriptorSet()` function (the serialized FileDescriptorSet of the
   * proto file and its imports). Calling it makes the plugin emit the function: before
   * the messages when called from `messageTypeExtras` (which runs before anything is
   * printed), else at the end of the file (then only call it after module load).
   */
  descriptorSet(): Printable;
  /**
   * Whether TypeScript checks each schema against ts-proto's type (`schema_check`,
   * default true). Off, the schema is cast instead: on very large contracts this halves
   * the type-check time and memory of the generated code.
   */
  readonly schemaCheck?: boolean;
}

/** How a field's value schema is used in its message. */
export type FieldPlace = "singular" | "optional" | "list" | "map_value" | "oneof_member";

/**
 * One function per field kind. `list` and `map` build on `this.scalar` / `this.enum` /
 * `this.message`, so overriding those (`{ ...defaultFieldEmitters, scalar }`) also
 * changes list elements and map values.
 */
export interface FieldSchemaEmitters {
  scalar(ctx: EmitContext, field: DescField, scalar: ScalarType): Printable;
  enum(ctx: EmitContext, field: DescField, desc: DescEnum): Printable;
  /** A message value; well-known types map to ts-proto's native shapes. */
  message(ctx: EmitContext, field: DescField, desc: DescMessage, place: FieldPlace): Printable;
  list(ctx: EmitContext, field: DescField & { fieldKind: "list" }): Printable;
  map(ctx: EmitContext, field: DescField & { fieldKind: "map" }): Printable;
  /** A `oneof` group; `member` gives each member's value schema (with `wrapField` applied). */
  oneof(ctx: EmitContext, oneof: DescOneof, member: (field: DescField) => Printable): Printable;
}

/**
 * Hook for rule compilers: receives each finished field schema (after `.optional()`; for
 * a oneof member, its value schema) and returns the one to emit.
 */
export type WrapField = (ctx: EmitContext, field: DescField, schema: Printable) => Printable;

/** Hook for message-level rules: receives the `z.object({...})` schema of a message. */
export type WrapMessage = (ctx: EmitContext, message: DescMessage, schema: Printable) => Printable;

export interface SchemaEmitterOptions {
  readonly wrapField?: WrapField;
  readonly wrapMessage?: WrapMessage;
}

const MAP_NUMBER_KEY = "/^-?\\d+$/";

export const defaultFieldEmitters: FieldSchemaEmitters = {
  scalar: (ctx, _field, scalar) => scalarSchema(ctx, scalar),
  // Enums accept any 32-bit integer: ts-proto passes unknown numbers through, and
  // UNRECOGNIZED is -1.
  enum: (ctx) => [ctx.z, ".int32()"],
  message: (ctx, _field, desc, place) => {
    const value = messageValueSchema(ctx, desc);
    if (place === "list") return value;
    if (place === "singular" || place === "optional") return orUndefined(ctx, value);
    // map values and oneof members: plain, except wrapper-like types (ts-proto adds `| undefined`).
    return isWrapperLike(desc) ? orUndefined(ctx, value) : value;
  },
  list(ctx, field) {
    const element =
      field.listKind === "scalar"
        ? this.scalar(ctx, field, field.scalar)
        : field.listKind === "enum"
          ? this.enum(ctx, field, field.enum)
          : this.message(ctx, field, field.message, "list");
    return [ctx.z, ".array(", element, ")"];
  },
  map(ctx, field) {
    const z = ctx.z;
    const value =
      field.mapKind === "scalar"
        ? this.scalar(ctx, field, field.scalar)
        : field.mapKind === "enum"
          ? this.enum(ctx, field, field.enum)
          : this.message(ctx, field, field.message, "map_value");
    switch (field.mapKey) {
      case ScalarType.BOOL:
        // ts-proto uses a Map for bool keys.
        return [z, ".map(", z, ".boolean(), ", value, ")"];
      case ScalarType.STRING:
        return [z, ".record(", z, ".string(), ", value, ")"];
      default:
        // Integer keys: `{ [key: number]: V }` (int64: string) — object keys are
        // decimal strings at run time.
        return [
          z,
          ".record(",
          z,
          `.string().regex(${MAP_NUMBER_KEY}, "expected an integer map key"), `,
          value,
          ")",
        ];
    }
  },
  oneof(ctx, oneof, member) {
    const z = ctx.z;
    const members: Printable[] = [];
    for (const field of oneof.fields) {
      const key = tsPropertyName(field);
      const value = member(field);
      members.push([z, `.object({ $case: `, z, `.literal("${key}"), ${key}: `, value, " })"]);
    }
    const list = members.map((m) => ["\n    ", m, ","]);
    return orUndefined(ctx, [z, `.discriminatedUnion("$case", [`, list, "\n  ])"]);
  },
};

function memberSchema(
  ctx: EmitContext,
  emitters: FieldSchemaEmitters,
  field: DescField,
  place: FieldPlace,
): Printable {
  switch (field.fieldKind) {
    case "scalar":
      return emitters.scalar(ctx, field, field.scalar);
    case "enum":
      return emitters.enum(ctx, field, field.enum);
    case "message":
      return emitters.message(ctx, field, field.message, place);
    case "list":
      return emitters.list(ctx, field);
    case "map":
      return emitters.map(ctx, field);
  }
}

/** Creates the per-message schema emitter. */
export function createSchemaEmitter(
  options: SchemaEmitterOptions = {},
  emitters: FieldSchemaEmitters = defaultFieldEmitters,
) {
  const wrap: WrapField = options.wrapField ?? ((_ctx, _field, schema) => schema);
  const wrapMessage: WrapMessage = options.wrapMessage ?? ((_ctx, _message, schema) => schema);
  return {
    /** Prints `export const FooSchema: z.ZodType<Foo> = z.object({...});` */
    emitMessageSchema(ctx: EmitContext, message: DescMessage): void {
      const { f, z } = ctx;
      const type = f.import(tsTypeName(message), tsProtoImportPath(message.file), true);
      const lines: Printable[] = [];
      for (const member of message.members) {
        if (member.kind === "oneof") {
          const value = (field: DescField) =>
            wrap(ctx, field, memberSchema(ctx, emitters, field, "oneof_member"));
          lines.push(["  ", tsOneofName(member), ": ", emitters.oneof(ctx, member, value), ",\n"]);
          continue;
        }
        const optional = isOptionalProperty(member);
        const place: FieldPlace = optional ? "optional" : "singular";
        const schema = memberSchema(ctx, emitters, member, place);
        lines.push([
          "  ",
          tsPropertyName(member),
          ": ",
          wrap(ctx, member, optional ? [schema, ".optional()"] : schema),
          ",\n",
        ]);
      }
      const object: Printable = lines.length ? [z, ".object({\n", lines, "})"] : [z, ".object({})"];
      const schema = wrapMessage(ctx, message, object);
      f.print(
        f.export("const", `${tsTypeName(message)}Schema`),
        ": ",
        z,
        ".ZodType<",
        type,
        "> = ",
        ctx.schemaCheck === false
          ? ["(", schema, ") as unknown as ", z, ".ZodType<", type, ">"]
          : schema,
        ";",
      );
      f.print();
    },
  };
}
