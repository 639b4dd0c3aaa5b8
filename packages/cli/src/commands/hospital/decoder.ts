import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  fromBinary,
  getOption,
  hasOption,
  toJson,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { buildImage, openProtoInput } from "@contractkit/compat/internal";
import { type MessageDecoder, redact } from "@contractkit/nats";
import { CliError } from "../../cli-error.js";
import { defaultModuleDir } from "../../config.js";
import { extraIncludeDirs } from "../../generate/includes.js";

/** Where `hospital show` finds the contract: the protos, or a built descriptor set. */
export interface DecoderOptions {
  proto?: string | undefined;
  "descriptor-set"?: string | undefined;
}

/** A decoder over the contract's descriptors; sensitive fields come from `(contractkit.v1.field).sensitive`. */
export async function decoderFor(v: DecoderOptions): Promise<MessageDecoder> {
  let bytes: Uint8Array;
  if (v["descriptor-set"]) {
    if (!existsSync(v["descriptor-set"]))
      throw new CliError("CK_HOSPITAL_USAGE", `${v["descriptor-set"]} not found`);
    bytes = readFileSync(v["descriptor-set"]);
  } else {
    const cwd = process.cwd();
    const moduleDir = v.proto ?? defaultModuleDir(cwd);
    try {
      const input = openProtoInput(moduleDir, { cwd, includes: await extraIncludeDirs(cwd) });
      try {
        bytes = (await buildImage(input, { excludeSourceInfo: true })).bytes;
      } finally {
        input.dispose();
      }
    } catch (err) {
      throw new CliError(
        "CK_HOSPITAL_CONTRACT",
        `cannot build the contract from ${resolve(moduleDir)}: ${(err as Error).message}; pass --proto DIR or --descriptor-set FILE`,
        2,
        { cause: err },
      );
    }
  }
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  const fieldOption = registry.getExtension("contractkit.v1.field");
  return (typeName, data) => {
    const desc = registry.getMessage(typeName);
    if (!desc) return undefined;
    const json = toJson(desc, fromBinary(desc, data), { registry, alwaysEmitImplicit: true });
    const { value, redacted } = redact(json, sensitiveJsonPaths(desc, fieldOption));
    return { typeName, value, redacted };
  };
}

function sensitiveJsonPaths(message: DescMessage, ext: DescExtension | undefined): string[] {
  const out: string[] = [];
  const walk = (m: DescMessage, prefix: string, seen: ReadonlySet<string>) => {
    for (const field of m.fields) {
      const key = prefix + field.jsonName;
      if (
        ext &&
        hasOption(field as never, ext as never) &&
        (getOption(field as never, ext as never) as { sensitive?: boolean }).sensitive
      ) {
        out.push(key);
        continue;
      }
      const nested =
        field.fieldKind === "message" ||
        (field.fieldKind === "list" && field.listKind === "message") ||
        (field.fieldKind === "map" && field.mapKind === "message")
          ? field.message
          : undefined;
      if (!nested || seen.has(nested.typeName)) continue;
      walk(
        nested,
        field.fieldKind === "message" ? `${key}.` : `${key}[*].`,
        new Set([...seen, nested.typeName]),
      );
    }
  };
  walk(message, "", new Set([message.typeName]));
  return out;
}
