import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempProject } from "./run-cli.js";

const PROTOC_GEN = resolve(import.meta.dirname, "../../protoc-gen");

describe("contractkit init", () => {
  it("writes buf.yaml, contractkit.yaml, an example contract and ignores gen/; generate then works", async () => {
    const dir = tempProject({ ".gitignore": "node_modules/\n" });
    // As after `npm install --save-dev @contractkit/cli`.
    mkdirSync(join(dir, "node_modules/@contractkit"), { recursive: true });
    symlinkSync(PROTOC_GEN, join(dir, "node_modules/@contractkit/protoc-gen"), "dir");
    const run = await runCli(["init"], dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const bufYaml = readFileSync(join(dir, "buf.yaml"), "utf8");
    expect(bufYaml).toContain("version: v2");
    expect(bufYaml).toContain("- path: proto");
    // The annotations and protovalidate's rules resolve from installed packages, not copies.
    expect(bufYaml).toContain("- path: node_modules/@contractkit/protoc-gen/proto");
    expect(bufYaml).toContain("- path: node_modules/.cache/contractkit/proto");
    expect(existsSync(join(dir, "proto/example/v1/example.proto"))).toBe(true);
    expect(existsSync(join(dir, "proto/contractkit"))).toBe(false);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe("node_modules/\ngen/\n");
    expect(readFileSync(join(dir, "contractkit.yaml"), "utf8")).toContain("generate:");

    const gen = await runCli(["generate", "--quiet"], dir);
    expect(gen.stderr).toBe("");
    expect(gen.code).toBe(0);
    expect(existsSync(join(dir, "gen/example/v1/example.contract.ts"))).toBe(true);
  });

  it("says how to install ContractKit when the project does not have it (exit 2)", async () => {
    const dir = tempProject({});
    const run = await runCli(["init"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("[CK_INIT_NOT_INSTALLED]");
    expect(run.stderr).toContain("npm install --save-dev @contractkit/cli");
    expect(existsSync(join(dir, "buf.yaml"))).toBe(false);
  });

  it("refuses to overwrite an existing buf.yaml without --force (exit 2)", async () => {
    const dir = tempProject({ "buf.yaml": "version: v2\n" });
    mkdirSync(join(dir, "node_modules/@contractkit"), { recursive: true });
    symlinkSync(PROTOC_GEN, join(dir, "node_modules/@contractkit/protoc-gen"), "dir");
    const run = await runCli(["init"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("buf.yaml already exists; pass --force");
    expect(run.stderr).toContain("[CK_INIT_EXISTS]");
    expect(readFileSync(join(dir, "buf.yaml"), "utf8")).toBe("version: v2\n");
    const forced = await runCli(["init", "--force"], dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, "buf.yaml"), "utf8")).toContain("- path: proto");
  });
});
