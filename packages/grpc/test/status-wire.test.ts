import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  create,
  createFileRegistry,
  fromBinary,
  type Registry,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { anyPack, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import {
  badRequest,
  Code,
  decodeStatus,
  encodeStatus,
  errorInfo,
  retryInfo,
} from "@contractkit/core";
import { beforeAll, describe, expect, it } from "vitest";

// The hand-written codec (core status-codec.ts) against the protos in packages/grpc/proto,
// read through @bufbuild/protobuf's reflection: same bytes, both ways.
const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let registry: Registry;

beforeAll(() => {
  const out = join(tmpdir(), `ck-rpc-${process.pid}.binpb`);
  execFileSync(join(pkgDir, "../../node_modules/.bin/buf"), ["build", "proto", "-o", out], {
    cwd: pkgDir,
  });
  registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, readFileSync(out)));
});

function desc(name: string) {
  const d = registry.getMessage(name);
  if (!d) throw new Error(`${name} missing from packages/grpc/proto`);
  return d;
}

describe("google.rpc.Status wire compatibility", () => {
  it("our bytes decode as google.rpc.Status with typed Any details", () => {
    const bytes = encodeStatus({
      code: Code.INVALID_ARGUMENT,
      message: "bad",
      details: [
        badRequest([
          { field: "items[0].quantity", description: "must be > 0", reason: "int32.gt" },
        ]),
        errorInfo("OUT_OF_STOCK", "shop", { sku: "LP-1" }),
        retryInfo(2500),
      ],
    });
    const msg = fromBinary(desc("google.rpc.Status"), bytes);
    expect(toJson(desc("google.rpc.Status"), msg, { registry })).toEqual({
      code: 3,
      message: "bad",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.BadRequest",
          fieldViolations: [
            { field: "items[0].quantity", description: "must be > 0", reason: "int32.gt" },
          ],
        },
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "OUT_OF_STOCK",
          domain: "shop",
          metadata: { sku: "LP-1" },
        },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2.500s" },
      ],
    });
  });

  it("bytes made from the protos decode with our codec", () => {
    const info = create(desc("google.rpc.ErrorInfo"), {
      reason: "R",
      domain: "d",
      metadata: { a: "b" },
    });
    const retry = create(desc("google.rpc.RetryInfo"), {
      retryDelay: create(
        registry.getMessage("google.protobuf.Duration") ?? desc("google.protobuf.Duration"),
        { seconds: 1n, nanos: 5_000_000 },
      ),
    });
    const status = create(desc("google.rpc.Status"), {
      code: Code.UNAVAILABLE,
      message: "later",
      details: [
        anyPack(desc("google.rpc.ErrorInfo"), info),
        anyPack(desc("google.rpc.RetryInfo"), retry),
      ],
    });
    expect(decodeStatus(toBinary(desc("google.rpc.Status"), status))).toEqual({
      code: Code.UNAVAILABLE,
      message: "later",
      details: [errorInfo("R", "d", { a: "b" }), retryInfo(1005)],
    });
  });
});
