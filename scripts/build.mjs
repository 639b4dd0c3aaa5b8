#!/usr/bin/env node
// Builds every package (tsc project references) and marks the bins executable: npm links
// them at install time, before dist/ exists, so it cannot set the mode itself.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { createRequire } from "node:module";

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-b", "tsconfig.build.json"], { stdio: "inherit" });
for (const bin of ["packages/cli/dist/bin.js", "packages/protoc-gen/dist/bin.js"]) {
  if (existsSync(bin)) chmodSync(bin, 0o755);
}

// Materialise buf/validate/validate.proto (from @bufbuild/protovalidate's embedded
// descriptor) so that plain `buf` and editors resolve it through the root buf.yaml.
const { materializeValidateProto } = await import("../packages/compat/dist/toolchain/index.js");
materializeValidateProto();
