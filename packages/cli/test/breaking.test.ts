import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli, tempProject, writeFiles } from "./run-cli.js";

const V1 = `syntax = "proto3";

package shop.v1;

message Order {
  string id = 1;
  string note = 2;
}

service OrderService {
  rpc GetOrder(Order) returns (Order);
}
`;
const ADDITIVE = V1.replace("  string note = 2;\n", "  string note = 2;\n  string channel = 3;\n");
const NOTE_DELETED = V1.replace("  string note = 2;\n", "");

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = tempProject(files);
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function git(dir: string, ...args: string[]): void {
  execFileSync("git", args, {
    cwd: dir,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
  });
}

describe("contractkit breaking: exit codes", () => {
  it("exits 0 for a compatible change against a directory", async () => {
    const dir = project({ "proto/shop/v1/shop.proto": ADDITIVE, "base/shop/v1/shop.proto": V1 });
    const r = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("no breaking changes");
    expect(r.code).toBe(0);
  });

  it("exits 1 for a breaking change and names the deleted field at its baseline position", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": NOTE_DELETED,
      "base/shop/v1/shop.proto": V1,
    });
    const r = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(r.stdout).toContain(
      "base/shop/v1/shop.proto:7:3: FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED shop.v1.Order.note",
    );
    expect(r.stdout).toContain('add `reserved 2; reserved "note";`');
    expect(r.code).toBe(1);
  });

  it("exits 2 for a syntax error, naming the file and line", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": V1.replace("string id = 1;", "string id = 1"),
      "base/shop/v1/shop.proto": V1,
    });
    const r = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(r.stderr).toContain("proto/shop/v1/shop.proto:7:3: unexpected `string`");
    expect(r.stderr).toContain("[CK_PROTO_COMPILE]");
    expect(r.code).toBe(2);
  });

  it("exits 2 for a compile error in the baseline, saying it is the baseline", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": V1,
      "base/shop/v1/shop.proto": V1.replace("string id = 1;", "string id = 1"),
    });
    const r = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(r.stderr).toContain("base/shop/v1/shop.proto:7:3: (baseline base) unexpected `string`");
    expect(r.code).toBe(2);
  });

  it("exits 2 when the input folder does not exist at the git ref", async () => {
    const dir = project({ "other/readme.txt": "x" });
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "no protos yet");
    writeFiles(dir, { "proto/shop/v1/shop.proto": V1 });
    const r = await runCli(["breaking", "proto", "--against", "HEAD"], dir);
    expect(r.stderr).toContain("--against HEAD: proto does not exist at HEAD");
    expect(r.stderr).toContain("[CK_BASELINE]");
    expect(r.code).toBe(2);
  });

  it("exits 2 for a missing input directory", async () => {
    const dir = project({ "base/shop/v1/shop.proto": V1 });
    const r = await runCli(["breaking", "nowhere", "--against", "base"], dir);
    expect(r.stderr).toContain("proto folder not found: nowhere");
    expect(r.code).toBe(2);
  });

  it("exits 2 for a bad git ref", async () => {
    const dir = project({ "proto/shop/v1/shop.proto": V1 });
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "v1");
    const r = await runCli(["breaking", "proto", "--against", "no-such-branch"], dir);
    expect(r.stderr).toContain(
      "--against no-such-branch: no such git ref, directory or image file",
    );
    expect(r.stderr).toContain("[CK_BAD_REF]");
    expect(r.code).toBe(2);
  });

  it("exits 2 without --against, for an unknown format, and for an invalid breaking section", async () => {
    const dir = project({ "proto/shop/v1/shop.proto": V1, "base/shop/v1/shop.proto": V1 });
    expect((await runCli(["breaking", "proto"], dir)).code).toBe(2);
    const fmt = await runCli(
      ["breaking", "proto", "--against", "base", "--error-format", "xml"],
      dir,
    );
    expect(fmt.stderr).toContain(
      "--error-format xml is not one of text, json, github-actions, junit, sarif, markdown",
    );
    expect(fmt.code).toBe(2);
    writeFileSync(
      join(dir, "contractkit.yaml"),
      "breaking:\n  exceptions:\n    - rule: RPC_NO_DELETE\n      element: shop.v1.X\n",
    );
    const cfg = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(cfg.stderr).toContain("breaking.exceptions.0.reason");
    expect(cfg.stderr).toContain("[CK_CONFIG_INVALID]");
    expect(cfg.code).toBe(2);
  });
});

describe("contractkit breaking: git baselines", () => {
  it("compares the working tree with HEAD, a tag and HEAD~1 of a temporary repository", async () => {
    const dir = project({ "proto/shop/v1/shop.proto": V1 });
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "v1");
    git(dir, "tag", "v1.0.0");
    writeFiles(dir, { "proto/shop/v1/shop.proto": ADDITIVE });
    git(dir, "commit", "-q", "-am", "additive");
    expect((await runCli(["breaking", "proto", "--against", "HEAD~1"], dir)).code).toBe(0);

    writeFiles(dir, { "proto/shop/v1/shop.proto": NOTE_DELETED });
    const r = await runCli(
      ["breaking", "proto", "--against", "v1.0.0", "--error-format", "json"],
      dir,
    );
    const json = JSON.parse(r.stdout) as {
      breaking: boolean;
      findings: { rule: string; element: string; location: { file: string; line: number } }[];
    };
    expect(json.breaking).toBe(true);
    expect(json.findings.map((f) => [f.rule, f.element, f.location.file, f.location.line])).toEqual(
      [
        [
          "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
          "shop.v1.Order.note",
          "proto/shop/v1/shop.proto",
          7,
        ],
      ],
    );
    expect(r.code).toBe(1);
    expect((await runCli(["breaking", "proto", "--against", "HEAD"], dir)).code).toBe(1);
  });
});

describe("contractkit breaking: exceptions in contractkit.yaml", () => {
  const config = (expires: string) => `breaking:
  exceptions:
    - rule: FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED
      element: shop.v1.Order.note
      reason: nobody reads note since v1.4
      expires: ${expires}
      approver: alice
`;

  it("reports an accepted break as accepted and exits 0", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": NOTE_DELETED,
      "base/shop/v1/shop.proto": V1,
      "contractkit.yaml": config("2999-12-31"),
    });
    const r = await runCli(["breaking", "proto", "--against", "base"], dir);
    expect(r.stdout).toContain(
      "accepted FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED shop.v1.Order.note",
    );
    expect(r.stdout).toContain("approved by alice until 2999-12-31");
    expect(r.code).toBe(0);
  });

  it("fails on an expired exception, pointing at its line in contractkit.yaml", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": NOTE_DELETED,
      "base/shop/v1/shop.proto": V1,
      "contractkit.yaml": config("2020-01-31"),
    });
    const r = await runCli(
      ["breaking", "proto", "--against", "base", "--error-format", "github-actions"],
      dir,
    );
    expect(r.stdout).toContain(
      "::error file=contractkit.yaml,line=4,col=1,title=CK_EXCEPTION_EXPIRED shop.v1.Order.note::",
    );
    expect(r.stdout).toContain(
      "::error file=base/shop/v1/shop.proto,line=7,col=3,title=FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED shop.v1.Order.note::",
    );
    expect(r.code).toBe(1);
  });

  it("takes the policy from contractkit.yaml, and --policy overrides it", async () => {
    const deleted = V1.replace("  rpc GetOrder(Order) returns (Order);\n", "");
    const dir = project({
      "proto/shop/v1/shop.proto": deleted,
      "base/shop/v1/shop.proto": V1,
      "contractkit.yaml": "breaking:\n  policy: wire_json\n",
    });
    expect((await runCli(["breaking", "proto", "--against", "base"], dir)).code).toBe(0);
    const r = await runCli(["breaking", "proto", "--against", "base", "--policy", "default"], dir);
    expect(r.stdout).toContain("RPC_NO_DELETE shop.v1.OrderService.GetOrder");
    expect(r.code).toBe(1);
  });

  it("compares against a buf image file", async () => {
    const dir = project({
      "proto/shop/v1/shop.proto": NOTE_DELETED,
      "base/shop/v1/shop.proto": V1,
    });
    const { bufBinary } = await import("@contractkit/compat/internal");
    execFileSync(bufBinary(), ["build", "base", "-o", "base.binpb"], { cwd: dir });
    const r = await runCli(["breaking", "proto", "--against", "base.binpb"], dir);
    expect(r.stdout).toContain(
      "shop/v1/shop.proto:7:3: FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED shop.v1.Order.note",
    );
    expect(r.code).toBe(1);
    writeFileSync(join(dir, "junk.binpb"), "not an image at all");
    const bad = await runCli(["breaking", "proto", "--against", "junk.binpb"], dir);
    expect(bad.stderr).toContain("junk.binpb is not a buf image");
    expect(bad.code).toBe(2);
  });
});
