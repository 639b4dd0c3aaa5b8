import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema, CodeGeneratorResponseSchema } from "@bufbuild/protobuf/wkt";
import { compileToRequest } from "@contractkit/testing";
import { describe, expect, it } from "vitest";

/** The built bin (`protoc-gen-contractkit`), as protoc and buf run it: stdin → stdout. */

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

function runBin(input: Uint8Array, args: string[] = []) {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run "npm run build" first`);
  return spawnSync(process.execPath, [BIN, ...args], { input, maxBuffer: 64 * 1024 * 1024 });
}

describe("protoc-gen-contractkit bin", () => {
  it("answers a CodeGeneratorRequest with the generated files", async () => {
    const request = await compileToRequest({
      "acme/v1/a.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage A { string id = 1; }\n',
    });
    const result = runBin(toBinary(CodeGeneratorRequestSchema, request));
    expect(result.status).toBe(0);
    const response = fromBinary(CodeGeneratorResponseSchema, result.stdout);
    expect(response.file.map((f) => f.name).sort()).toEqual([
      "acme/v1/a.contract.ts",
      "contractkit.manifest.json",
    ]);
  });

  it("exits 1 with file:line:col diagnostics for a bad contract", async () => {
    const request = await compileToRequest({
      "acme/v1/b.proto": `syntax = "proto3";
package acme.v1;
import "contractkit/v1/options.proto";
message B {
  option (contractkit.v1.event) = {subject: "acme.{nope}"};
}
`,
    });
    const result = runBin(toBinary(CodeGeneratorRequestSchema, request));
    expect(result.status).toBe(1);
    expect(result.stderr.toString()).toContain(
      "acme/v1/b.proto:5:10: event acme.v1.B: subject token {nope} names no field of B",
    );
  });

  it("prints its version", () => {
    const result = runBin(new Uint8Array(), ["--version"]);
    expect(result.stdout.toString()).toBe("protoc-gen-contractkit 0.1.0\n");
  });
});
