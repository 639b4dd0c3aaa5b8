import { spawn } from "node:child_process";
import { fromBinary } from "@bufbuild/protobuf";
import { type FileDescriptorSet, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { bufBinary } from "./binaries.js";
import { type ProtoDiagnostic, ProtoInputError } from "./proto-error.js";
import type { ProtoInput } from "./proto-input.js";

export interface BuiltImage {
  /** The serialized image (a FileDescriptorSet superset), as `buf build -o x.binpb` writes it. */
  readonly bytes: Uint8Array;
  readonly fds: FileDescriptorSet;
}

export interface BuildOptions {
  excludeSourceInfo?: boolean;
}

/**
 * Compiles the input with buf into an image. A compile error throws ProtoInputError with
 * `file:line:col` diagnostics in the user's files (buf exits 100 for those, like for
 * findings, so the JSON diagnostics are what tell them apart).
 */
export async function buildImage(
  input: ProtoInput,
  options: BuildOptions = {},
): Promise<BuiltImage> {
  const bytes = await buildImageBytes(input, options);
  return { bytes, fds: fromBinary(FileDescriptorSetSchema, bytes) };
}

/**
 * Like buildImage, but returns only the serialized image, leaving decoding to the caller
 * (the contract gate decodes just the files that changed between two images).
 */
export async function buildImageBytes(
  input: ProtoInput,
  options: BuildOptions = {},
): Promise<Uint8Array> {
  const args = ["build", input.workspaceDir, "--error-format", "json", "-o", "-#format=binpb"];
  if (options.excludeSourceInfo) args.push("--exclude-source-info");
  const { code, stdout, stderr } = await runBuf(args);
  if (code !== 0) {
    const diagnostics = parseBufDiagnostics(stderr, input);
    throw new ProtoInputError(
      "CK_PROTO_COMPILE",
      diagnostics.length > 0
        ? `${diagnostics.length} compile error(s)`
        : `buf build failed (exit ${code}): ${stderr.trim() || "no output"}`,
      diagnostics,
    );
  }
  return stdout;
}

/** buf's `--error-format json` lines → diagnostics in the user's files. */
export function parseBufDiagnostics(
  stderr: string,
  input: Pick<ProtoInput, "toUserPath">,
): ProtoDiagnostic[] {
  const out: ProtoDiagnostic[] = [];
  for (const line of stderr.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      const j = JSON.parse(trimmed) as {
        path?: string;
        start_line?: number;
        start_column?: number;
        message?: string;
      };
      if (!j.message) continue;
      out.push({
        file: j.path ? input.toUserPath(j.path) : "(input)",
        line: j.start_line ?? 1,
        column: j.start_column ?? 1,
        message: j.message,
      });
    } catch {
      // not a diagnostic line
    }
  }
  return out;
}

export interface BufResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs the buf binary; never throws for a non-zero exit. */
export function runBuf(
  args: string[],
  options: { cwd?: string; input?: Uint8Array } = {},
): Promise<BufResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bufBinary(), args, {
      cwd: options.cwd,
      stdio: [options.input ? "pipe" : "ignore", "pipe", "pipe"],
      env: { ...process.env, BUF_CACHE_DIR: process.env.BUF_CACHE_DIR ?? cacheDir() },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (c: Buffer) => out.push(c));
    child.stderr?.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      resolvePromise({
        code: code ?? 1,
        stdout: new Uint8Array(Buffer.concat(out)),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    if (options.input && child.stdin) child.stdin.end(options.input);
  });
}

function cacheDir(): string {
  return `${process.env.HOME ?? "/tmp"}/.cache/buf`;
}
