import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createFileRegistry,
  type DescField,
  type DescMessage,
  type FileRegistry,
} from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { buildImage, materializeValidateProto, openProtoInput } from "@contractkit/compat/internal";
import { celRules, fieldRules, messageRules } from "@contractkit/core";
import * as z from "zod";
import { compileFieldRules, compileMessageRules } from "../src/validation/index.js";

/**
 * Test harness for the rules compiler: compiles inline proto text with buf (importing
 * the materialised validate.proto), and builds a ts-proto-shaped zod schema per message
 * with a minimal base-schema mapper plus the compiled rule suffixes, evaluated from
 * the emitted code text the way generated code would run it.
 */
export interface Compiled {
  registry: FileRegistry;
  image: Uint8Array;
  message(name: string): DescMessage;
  schema(name: string): z.ZodType;
  /** The emitted code of a message's schema (for assertions on what is generated). */
  code(name: string): string;
}

let include: string | undefined;

export async function compileProto(proto: string, pkg = "test.v1"): Promise<Compiled> {
  include ??= materializeValidateProto(mkdtempSync(join(tmpdir(), "ck-vinc-")));
  const dir = mkdtempSync(join(tmpdir(), "ck-vrules-"));
  const path = `${pkg.replace(/\./g, "/")}/test.proto`;
  mkdirSync(join(dir, path, ".."), { recursive: true });
  writeFileSync(
    join(dir, path),
    `syntax = "proto3";\npackage ${pkg};\nimport "buf/validate/validate.proto";\n${proto}`,
  );
  const input = openProtoInput(dir, { includes: [include] });
  try {
    const { fds, bytes } = await buildImage(input, { excludeSourceInfo: true });
    const registry = createFileRegistry(fds);
    const message = (name: string) => {
      const m = registry.getMessage(`${pkg}.${name}`);
      if (!m) throw new Error(`no message ${name}`);
      return m;
    };
    const cache = new Map<string, z.ZodType>();
    const schema = (name: string): z.ZodType => {
      const hit = cache.get(name);
      if (hit) return hit;
      const built = evaluate(messageCode(message(name), pkg), (n) => schema(n));
      cache.set(name, built);
      return built;
    };
    return {
      registry,
      image: bytes,
      message,
      schema,
      code: (name) => messageCode(message(name), pkg),
    };
  } finally {
    input.dispose();
  }
}

function evaluate(code: string, ref: (name: string) => z.ZodType): z.ZodType {
  const fn = new Function("z", "fieldRules", "messageRules", "celRules", "ref", `return ${code};`);
  return fn(z, fieldRules, messageRules, celRules, ref) as z.ZodType;
}

/** `z.object({...})<message rules>` with each property's base schema and compiled field rules. */
function messageCode(m: DescMessage, pkg: string): string {
  const props: string[] = [];
  for (const f of m.fields) {
    if (f.oneof) continue;
    props.push(`${JSON.stringify(key(f.name))}: ${base(f, pkg)}${compileFieldRules(f).suffix}`);
  }
  for (const o of m.oneofs) {
    const cases = o.fields.map(
      (f) =>
        `z.object({ $case: z.literal(${JSON.stringify(key(f.name))}), ${JSON.stringify(key(f.name))}: ${base(f, pkg)}${compileFieldRules(f).suffix} })`,
    );
    props.push(
      `${JSON.stringify(key(o.name))}: z.union([z.discriminatedUnion("$case", [${cases.join(", ")}]), z.undefined()])`,
    );
  }
  return `z.object({ ${props.join(", ")} })${compileMessageRules(m).suffix}`;
}

function base(f: DescField, pkg: string): string {
  const single = (kind: string, scalarName?: string, msg?: DescMessage): string => {
    if (kind === "enum") return "z.number().int()";
    if (kind === "message" && msg) {
      if (msg.typeName === "google.protobuf.Timestamp") return "z.date()";
      if (msg.typeName === "google.protobuf.StringValue") return "z.string()";
      return `z.lazy(() => ref(${JSON.stringify(msg.typeName.slice(pkg.length + 1))}))`;
    }
    if (scalarName === "string") return "z.string()";
    if (scalarName === "bool") return "z.boolean()";
    if (scalarName === "bytes") return "z.instanceof(Uint8Array)";
    if (scalarName?.endsWith("64") && scalarName !== "double") return "z.string()";
    // float and double carry NaN and ±Infinity on the wire: z.number() would refuse them.
    if (scalarName === "float" || scalarName === "double")
      return "z.custom((x) => typeof x === 'number')";
    return "z.number()";
  };
  const sc = (s: number | undefined) => (s === undefined ? undefined : SCALARS[s]);
  switch (f.fieldKind) {
    case "scalar":
      return f.presence === 1
        ? `z.union([${single("scalar", sc(f.scalar))}, z.undefined()])`
        : single("scalar", sc(f.scalar));
    case "enum":
      return f.presence === 1 ? "z.union([z.number().int(), z.undefined()])" : single("enum");
    case "message":
      return `z.union([${single("message", undefined, f.message)}, z.undefined()])`;
    case "list":
      return `z.array(${single(f.listKind, sc(f.scalar), f.message)})`;
    case "map":
      return `z.record(z.string(), ${single(f.mapKind, sc(f.scalar), f.message)})`;
  }
}

const SCALARS: Record<number, string> = {
  1: "double",
  2: "float",
  3: "int64",
  4: "uint64",
  5: "int32",
  6: "fixed64",
  7: "fixed32",
  8: "bool",
  9: "string",
  12: "bytes",
  13: "uint32",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};

function key(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A ts-proto-shaped value as protobuf-es init data (int64 strings → bigint, `$case` → `case`, Date → Timestamp). */
export function toProtobufEs(
  desc: DescMessage,
  value: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const conv = (f: DescField, v: unknown, kind: string): unknown => {
    if (v === undefined) return undefined;
    if (kind === "message" && f.message) {
      if (f.message.typeName === "google.protobuf.Timestamp") return timestampFromDate(v as Date);
      return toProtobufEs(f.message, v as Record<string, unknown>);
    }
    if (
      kind === "scalar" &&
      typeof v === "string" &&
      f.scalar !== undefined &&
      /64$/.test(SCALARS[f.scalar] ?? "") &&
      f.scalar !== 1
    ) {
      return BigInt(v);
    }
    return v;
  };
  for (const f of desc.fields) {
    if (f.oneof) continue;
    const v = value[key(f.name)];
    if (f.fieldKind === "list")
      out[f.localName] = (v as unknown[]).map((x) => conv(f, x, f.listKind));
    else if (f.fieldKind === "map")
      out[f.localName] = Object.fromEntries(
        Object.entries(v as object).map(([k, x]) => [k, conv(f, x, f.mapKind)]),
      );
    else out[f.localName] = conv(f, v, f.fieldKind);
  }
  for (const o of desc.oneofs) {
    const v = value[key(o.name)] as { $case: string } | undefined;
    if (!v) continue;
    const f = o.fields.find((x) => key(x.name) === v.$case);
    if (f)
      out[o.localName] = {
        case: f.localName,
        value: conv(f, (v as Record<string, unknown>)[v.$case], f.fieldKind),
      };
  }
  return out;
}
