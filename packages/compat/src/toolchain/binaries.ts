import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/**
 * The buf executable. The platform package's native binary is spawned directly (the
 * `@bufbuild/buf` bin is a Node wrapper that would cost a second process start).
 */
export function bufBinary(): string {
  const arch = process.arch === "x64" ? "x64" : process.arch === "arm64" ? "arm64" : process.arch;
  const name = process.platform === "win32" ? "buf.exe" : "buf";
  for (const candidate of [
    `@bufbuild/buf-${process.platform}-${arch}/bin/${name}`,
    "@bufbuild/buf/bin/buf",
  ]) {
    try {
      return require.resolve(candidate);
    } catch {
      // try the next one
    }
  }
  throw new Error("buf not found: install @bufbuild/buf (it ships the buf binary) and try again");
}

/**
 * The folder that holds `contractkit/v1/options.proto`: the `proto/` folder shipped
 * inside @contractkit/protoc-gen.
 */
export function contractkitProtoDir(): string {
  const dir = join(dirname(require.resolve("@contractkit/protoc-gen/package.json")), "proto");
  if (!existsSync(join(dir, "contractkit/v1/options.proto"))) {
    throw new Error(
      `contractkit/v1/options.proto is missing from ${dir}: reinstall @contractkit/protoc-gen`,
    );
  }
  return dir;
}
