import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { CliError } from "../cli-error.js";

/** ts-proto's protoc plugin script, resolved from this package's dependencies. */
export function tsProtoPlugin(): string {
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve("ts-proto/package.json")),
      "protoc-gen-ts_proto",
    );
  } catch (err) {
    throw new CliError(
      "CK_TS_PROTO_MISSING",
      "ts-proto is not installed: run `npm install ts-proto@2` next to @contractkit/cli",
      2,
      { cause: err },
    );
  }
}
