import type { DescField, DescMessage } from "@bufbuild/protobuf";
import type { ImportSymbol, Printable } from "@bufbuild/protoplugin";
import type { ContractOptionReader } from "./contract-options.js";
import type { EmitContext } from "./schema-emitter.js";
import {
  contractImportPath,
  isToolingFile,
  tsPropertyName,
  tsProtoImportPath,
  tsTypeName,
} from "./ts-proto-names.js";

/**
 * Emits `export const FooType: MessageType<Foo>` (name, ts-proto codec, zod schema,
 * sensitive field paths) and resolves references to the MessageType of any message,
 * including messages of imported Google files used as method input or output.
 */

/**
 * Paths (ts-proto keys) of the fields marked `sensitive` in a message and in the
 * messages it holds: `email`, `customer.email`, `items[*].email` (lists and map values).
 */
export function sensitivePaths(message: DescMessage, options: ContractOptionReader): string[] {
  const out: string[] = [];
  const walk = (m: DescMessage, prefix: string, seen: ReadonlySet<string>) => {
    for (const field of m.fields) {
      const key = prefix + tsPropertyName(field);
      if (options.sensitive(field)) {
        out.push(key);
        continue;
      }
      const nested = nestedMessage(field);
      if (!nested || seen.has(nested.typeName) || isToolingFile(nested.file)) continue;
      const next =
        field.fieldKind === "list" || field.fieldKind === "map" ? `${key}[*].` : `${key}.`;
      walk(nested, next, new Set([...seen, nested.typeName]));
    }
  };
  walk(message, "", new Set([message.typeName]));
  return out;
}

function nestedMessage(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}

function codec(ctx: EmitContext, message: DescMessage): Printable[] {
  const value = ctx.f.import(tsTypeName(message), tsProtoImportPath(message.file));
  return [
    "{ encode: (m) => ",
    value,
    ".encode(m).finish(), decode: (b) => ",
    value,
    ".decode(b) }",
  ];
}

/**
 * Hook for extra MessageType properties (e.g. `extraRules` for CEL rules). Runs before
 * the file is printed; returns whole property lines such as `  extraRules: ...,`.
 * `code.encode` is ts-proto's encoder as an expression, `(m) => Foo.encode(m).finish()`.
 */
export type MessageTypeExtras = (
  ctx: EmitContext,
  message: DescMessage,
  code: { readonly encode: Printable },
) => Printable | undefined;

/** ts-proto's encoder of a message as an expression. */
export function encoderExpression(ctx: EmitContext, message: DescMessage): Printable {
  const value = ctx.f.import(tsTypeName(message), tsProtoImportPath(message.file));
  return ["(m) => ", value, ".encode(m).finish()"];
}

/** Prints `export const FooType: MessageType<Foo> = {...}` for a user message. */
export function emitMessageType(
  ctx: EmitContext,
  message: DescMessage,
  options: ContractOptionReader,
  extras?: Printable,
): void {
  const { f } = ctx;
  const name = tsTypeName(message);
  const messageType = f.import("MessageType", "@contractkit/core", true);
  const type = f.import(name, tsProtoImportPath(message.file), true);
  const paths = sensitivePaths(message, options);
  f.print(f.export("const", `${name}Type`), ": ", messageType, "<", type, "> = {");
  f.print(`  typeName: ${JSON.stringify(message.typeName)},`);
  f.print("  codec: ", codec(ctx, message), ",");
  f.print("  schema: ", ctx.self(`${name}Schema`), ",");
  f.print(`  sensitiveFields: [${paths.map((p) => JSON.stringify(p)).join(", ")}],`);
  if (extras !== undefined) f.print(extras);
  f.print("};");
  f.print();
}

/**
 * References to MessageTypes. Messages of Google / option files get a local MessageType
 * (ts-proto's codec, an object check), printed by `emitPendingToolingTypes` before use.
 */
export function createMessageTypeRefs(ctx: EmitContext) {
  const pending = new Map<string, DescMessage>();
  const printed = new Set<string>();
  const toolingName = (m: DescMessage) =>
    `${m.typeName
      .split(".")
      .map((s) => s.charAt(0).toUpperCase() + s.slice(1))
      .join("")}Type`;
  return {
    ref(message: DescMessage): ImportSymbol {
      const name = `${tsTypeName(message)}Type`;
      if (!isToolingFile(message.file)) {
        return message.file === ctx.file
          ? ctx.self(name)
          : ctx.f.import(name, contractImportPath(message.file));
      }
      if (!printed.has(message.typeName)) pending.set(message.typeName, message);
      return ctx.self(toolingName(message));
    },
    /** Prints the local MessageTypes requested so far with `ref`. */
    emitPending(): void {
      const { f, z } = ctx;
      for (const message of pending.values()) {
        const messageType = f.import("MessageType", "@contractkit/core", true);
        const type = f.import(tsTypeName(message), tsProtoImportPath(message.file), true);
        f.print("const ", ctx.self(toolingName(message)), ": ", messageType, "<", type, "> = {");
        f.print(`  typeName: ${JSON.stringify(message.typeName)},`);
        f.print("  codec: ", codec(ctx, message), ",");
        f.print(
          "  schema: ",
          z,
          ".custom<",
          type,
          `>((v) => typeof v === "object" && v !== null, "expected a ${message.typeName}"),`,
        );
        f.print("  sensitiveFields: [],");
        f.print("};");
        f.print();
        printed.add(message.typeName);
      }
      pending.clear();
    },
  };
}

export type MessageTypeRefs = ReturnType<typeof createMessageTypeRefs>;
