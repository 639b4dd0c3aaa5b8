import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { contractkitProtoDir } from "@contractkit/compat/internal";
import { CliError } from "../cli-error.js";
import { CONFIG_FILE } from "../config.js";
import { extraIncludeDirs } from "../generate/includes.js";
import type { Command } from "../main.js";

const HELP = `usage: contractkit init [DIR] [--proto FOLDER] [--force]

Sets up a project for ContractKit:
  buf.yaml          a buf workspace whose modules are your proto folder and the ContractKit
                    annotations inside node_modules, so \`import "contractkit/v1/options.proto"\`
                    resolves for contractkit, plain buf and editors, without a copy
  contractkit.yaml  generate settings (module, out)
  FOLDER/           (default proto/) with an example contract, when it does not exist yet
  .gitignore        gen/ is generated in the build, never committed

Exit codes: 0 ok; 2 a file exists (pass --force to overwrite buf.yaml and contractkit.yaml).`;

export const command: Command = {
  summary: "set up buf.yaml, contractkit.yaml and an example contract",
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        proto: { type: "string", default: "proto" },
        force: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const root = resolve(positionals[0] ?? ".");
    const protoFolder = values.proto;
    mkdirSync(root, { recursive: true });
    for (const file of ["buf.yaml", CONFIG_FILE]) {
      if (existsSync(join(root, file)) && !values.force) {
        throw new CliError(
          "CK_INIT_EXISTS",
          `${join(relative(process.cwd(), root) || ".", file)} already exists; pass --force to overwrite it`,
        );
      }
    }
    const modules = [
      protoFolder,
      insideProject(root, annotationsDir(root), "@contractkit/protoc-gen"),
      ...(await extraIncludeDirs(root)).map((d) =>
        insideProject(root, d, "@bufbuild/protovalidate"),
      ),
    ];
    writeFileSync(
      join(root, "buf.yaml"),
      [
        "# Written by `contractkit init`. The ContractKit annotations (and protovalidate's rules)",
        "# resolve from node_modules; buf does not skip node_modules, so modules are named.",
        "version: v2",
        "modules:",
        ...modules.map((m) => `  - path: ${m}`),
        "lint:",
        "  use: [STANDARD]",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(root, CONFIG_FILE),
      [
        "# ContractKit settings; every section is optional.",
        "generate:",
        "  module: .",
        "  out: gen",
        "",
      ].join("\n"),
    );
    const written = ["buf.yaml", CONFIG_FILE];
    const protoDir = join(root, protoFolder);
    if (!existsSync(protoDir)) {
      mkdirSync(join(protoDir, "example/v1"), { recursive: true });
      writeFileSync(join(protoDir, "example/v1/example.proto"), EXAMPLE);
      written.push(join(protoFolder, "example/v1/example.proto"));
    }
    const ignore = join(root, ".gitignore");
    const ignored = existsSync(ignore)
      ? readFileSync(ignore, "utf8")
          .split("\n")
          .map((l) => l.trim())
      : [];
    if (!ignored.includes("gen/") && !ignored.includes("gen")) {
      appendFileSync(ignore, `${ignored.length && ignored.at(-1) !== "" ? "\n" : ""}gen/\n`);
      written.push(".gitignore (gen/)");
    }
    console.log(`contractkit init: wrote ${written.join(", ")}\nNext: npx contractkit generate`);
    return 0;
  },
};

/** The annotations folder as the project sees it: its own node_modules first. */
function annotationsDir(root: string): string {
  const local = join(root, "node_modules/@contractkit/protoc-gen/proto");
  return existsSync(join(local, "contractkit/v1/options.proto")) ? local : contractkitProtoDir();
}

/** buf.yaml can only name folders inside the project: a relative path, or a clear error. */
function insideProject(root: string, dir: string, pkg: string): string {
  const rel = relative(root, dir);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new CliError(
      "CK_INIT_NOT_INSTALLED",
      `${pkg} is not installed in this project (found at ${dir}), and buf.yaml can only name ` +
        "folders inside the project: run `npm install --save-dev @contractkit/cli` here, then `npx contractkit init`",
    );
  }
  return rel;
}

const EXAMPLE = `syntax = "proto3";

package example.v1;

import "contractkit/v1/options.proto";

// A synchronous gRPC service that publishes an event.
service GreeterService {
  option (contractkit.v1.service) = {publishes: ["Greeted"]};

  rpc Greet(GreetRequest) returns (GreetResponse) {
    option (contractkit.v1.method) = {timeout_ms: 1000};
  }
}

message GreetRequest {
  string name = 1;
}

message GreetResponse {
  string greeting = 1;
}

// An event persisted in the GREETINGS stream.
message Greeted {
  option (contractkit.v1.event) = {
    subject: "example.greetings.{name}"
    stream: "GREETINGS"
  };
  string name = 1;
}
`;
