import { spawn } from "node:child_process";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type CodeGeneratorRequest,
  CodeGeneratorRequestSchema,
  type CodeGeneratorResponse,
  CodeGeneratorResponseSchema,
  type FileDescriptorProto,
} from "@bufbuild/protobuf/wkt";

/** Files that are ContractKit's or the toolchain's own, never user output. */
export function isToolchainFile(name: string): boolean {
  return (
    name.startsWith("google/protobuf/") ||
    name.startsWith("contractkit/") ||
    name.startsWith("buf/validate/")
  );
}

export function createCodeGeneratorRequest(
  files: readonly FileDescriptorProto[],
  filesToGenerate: readonly string[],
  parameter = "",
): CodeGeneratorRequest {
  return create(CodeGeneratorRequestSchema, {
    fileToGenerate: [...filesToGenerate],
    parameter,
    protoFile: [...files],
    compilerVersion: { major: 0, minor: 0, patch: 0, suffix: "buf" },
  });
}

/** Runs a protoc plugin executable with the request on stdin. */
export function runPluginProcess(
  command: string,
  args: string[],
  request: CodeGeneratorRequest,
): Promise<CodeGeneratorResponse> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(
          new Error(
            `${args.at(-1) ?? command} exited ${code}: ${Buffer.concat(err).toString("utf8").trim()}`,
          ),
        );
        return;
      }
      try {
        const res = fromBinary(CodeGeneratorResponseSchema, new Uint8Array(Buffer.concat(out)));
        if (res.error) reject(new Error(`${args.at(-1) ?? command}: ${res.error}`));
        else resolvePromise(res);
      } catch (e) {
        reject(e);
      }
    });
    child.stdin.end(toBinary(CodeGeneratorRequestSchema, request));
  });
}

/** The ts-proto options ContractKit's generated code is written against. */
export const TS_PROTO_PARAMETER = [
  "outputServices=grpc-js",
  "importSuffix=.js",
  "forceLong=string",
  "oneof=unions",
  "useDate=true",
  "esModuleInterop=true",
  "env=node",
  "useExactTypes=false",
].join(",");
