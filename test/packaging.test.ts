import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const PUBLISHED = ["core", "protoc-gen", "nats", "grpc", "compat", "cli"];

function sh(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_loglevel: "error" },
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; status?: number };
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${e.status}:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`,
    );
  }
}

// Proves a user can install ContractKit from the registry tarballs alone: pack every
// published package, install them into a project outside the workspace, write a proto,
// generate, and type-check the generated code with a user's strict tsconfig.
describe("packaging", () => {
  it("installs from npm pack tarballs, generates, and type-checks outside the workspace", {
    timeout: 300_000,
  }, () => {
    const packs = mkdtempSync(join(tmpdir(), "ck-packs-"));
    for (const p of PUBLISHED)
      sh("npm", ["pack", "--silent", "--pack-destination", packs], join(ROOT, "packages", p));
    const tarballs = Object.fromEntries(
      readdirSync(packs).map((f) => [
        `@contractkit/${f.replace(/^contractkit-/, "").replace(/-\d+\.\d+\.\d+\.tgz$/, "")}`,
        `file:${join(packs, f)}`,
      ]),
    );
    expect(Object.keys(tarballs).sort()).toEqual(PUBLISHED.map((p) => `@contractkit/${p}`).sort());

    const app = mkdtempSync(join(tmpdir(), "ck-user-app-"));
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify(
        {
          name: "user-app",
          private: true,
          type: "module",
          dependencies: {
            ...tarballs,
            zod: "^4.1.0",
            typescript: "5.9.3",
            "@types/node": "^20.17.0",
          },
          overrides: { ...tarballs, "@nats-io/nats-core": "3.4.0" },
        },
        null,
        2,
      ),
    );
    sh("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], app);
    const init = sh("npx", ["contractkit", "init"], app);
    expect(init).toContain("buf.yaml");
    writeFileSync(
      join(app, "proto/example/v1/shipping.proto"),
      `syntax = "proto3";
package example.v1;
import "contractkit/v1/options.proto";
import "google/protobuf/timestamp.proto";
message Shipped {
  option (contractkit.v1.event) = { subject: "example.shipping.{parcel_id}.shipped", stream: "SHIPPING" };
  string parcel_id = 1;
  google.protobuf.Timestamp at = 2;
}
`,
    );
    const gen = sh("npx", ["contractkit", "generate"], app);
    expect(gen).toContain("gen/example/v1/shipping.contract.ts");
    writeFileSync(
      join(app, "main.ts"),
      `import { validate } from "@contractkit/core";
import { ShippedEvent } from "./gen/example/v1/shipping.contract.js";
const subject: string = ShippedEvent.subject({ parcelId: "p-1", at: new Date() });
const violations = validate(ShippedEvent, { parcelId: "p-1", at: undefined });
export { subject, violations };
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ["node"],
        },
        include: ["main.ts", "gen"],
      }),
    );
    sh(process.execPath, [join(app, "node_modules/typescript/bin/tsc"), "-p", "."], app);
    // And the packed ESM really runs.
    writeFileSync(
      join(app, "run.mjs"),
      `import { Code, ContractError } from "@contractkit/core";\nconsole.log(new ContractError(Code.NOT_FOUND, "x").message);\n`,
    );
    expect(sh(process.execPath, ["run.mjs"], app).trim()).toBe("[NOT_FOUND] x");
  });
});
