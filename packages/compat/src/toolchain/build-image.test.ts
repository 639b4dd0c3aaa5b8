import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildImage } from "./build-image.js";
import { isProtoInputError } from "./proto-error.js";
import { openProtoInput } from "./proto-input.js";

function tempModule(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ck-build-test-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe("buildImage", () => {
  it("builds a plain folder that imports the ContractKit annotations without a copy", async () => {
    const dir = tempModule({
      "shop/v1/shop.proto": `syntax = "proto3";
package shop.v1;
import "contractkit/v1/options.proto";
message Sold { option (contractkit.v1.event) = { subject: "shop.{sku}.sold" }; string sku = 1; }
`,
    });
    const input = openProtoInput(dir);
    try {
      const { fds } = await buildImage(input);
      const names = fds.file.map((f) => f.name);
      expect(names).toContain("shop/v1/shop.proto");
      expect(names).toContain("contractkit/v1/options.proto");
    } finally {
      input.dispose();
    }
  });

  it("reports a syntax error at file:line:col in the user's own file", async () => {
    const dir = tempModule({
      "bad/v1/bad.proto": 'syntax = "proto3";\npackage bad.v1;\nmessage A { string x = 1 }\n',
    });
    const input = openProtoInput(dir, { cwd: tmpdir() });
    try {
      await buildImage(input);
      expect.unreachable();
    } catch (e) {
      expect(isProtoInputError(e)).toBe(true);
      if (!isProtoInputError(e)) throw e;
      expect(e.code).toBe("CK_PROTO_COMPILE");
      const d = e.diagnostics[0];
      expect(d?.file).toBe(join(relative(tmpdir(), dir), "bad/v1/bad.proto"));
      expect(d?.line).toBe(3);
      expect(e.format()).toMatch(/bad\/v1\/bad\.proto:3:\d+: /);
    } finally {
      input.dispose();
    }
  });

  it("says so when the folder does not exist", () => {
    expect(() => openProtoInput("/nonexistent/protos")).toThrow(/proto folder not found/);
  });
});
