import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  compileToRequest,
  contractKitProtoDir,
  runTsProto,
  TS_PROTO_PARAMETER,
} from "./plugin-harness.js";

describe("plugin harness", () => {
  it("resolves the annotations from @contractkit/protoc-gen", () => {
    expect(existsSync(join(contractKitProtoDir(), "contractkit/v1/options.proto"))).toBe(true);
  });

  it("compiles inline protos into a request with imports, in dependency order, with source info", async () => {
    const request = await compileToRequest(
      {
        "acme/v1/a.proto":
          'syntax = "proto3";\npackage acme.v1;\nimport "contractkit/v1/options.proto";\nmessage A { string id = 1 [(contractkit.v1.field) = {sensitive: true}]; }\n',
      },
      { parameter: "x=1" },
    );
    expect(request.fileToGenerate).toEqual(["acme/v1/a.proto"]);
    expect(request.parameter).toBe("x=1");
    const names = request.protoFile.map((f) => f.name);
    expect(names.indexOf("google/protobuf/descriptor.proto")).toBeLessThan(
      names.indexOf("contractkit/v1/options.proto"),
    );
    expect(names.at(-1)).toBe("acme/v1/a.proto");
    expect(request.protoFile.at(-1)?.sourceCodeInfo?.location.length).toBeGreaterThan(0);
  });

  it("reports buf's errors with the inline file's own path", async () => {
    await expect(
      compileToRequest({
        "acme/v1/bad.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage B { Missing m = 1; }\n',
      }),
    ).rejects.toThrow(/acme\/v1\/bad\.proto:3:13:.*Missing/);
  });

  it("runs ts-proto on a request", async () => {
    const request = await compileToRequest({
      "acme/v1/c.proto": 'syntax = "proto3";\npackage acme.v1;\nmessage C { int64 n = 1; }\n',
    });
    const response = await runTsProto(request, TS_PROTO_PARAMETER);
    const file = response.file.find((f) => f.name === "acme/v1/c.ts");
    expect(file?.content).toContain("n: string;");
  });
});
