import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBuf } from "./toolchain/build-image.js";
import { ProtoInputError } from "./toolchain/proto-error.js";

/** One line of `buf breaking --error-format json`. */
export interface BufFinding {
  path: string;
  start_line: number;
  start_column: number;
  end_line: number;
  end_column: number;
  type: string;
  message: string;
}

/**
 * Runs `buf breaking` over two images with the given `use` list. Findings come back as
 * data; a COMPILE finding or any other failure of buf is an input error (buf exits 100
 * for both, so the JSON is what tells them apart).
 */
export async function runBufBreaking(
  current: Uint8Array,
  previous: Uint8Array,
  use: readonly string[],
): Promise<BufFinding[]> {
  const dir = await mkdtemp(join(tmpdir(), "contractkit-breaking-"));
  try {
    const cur = join(dir, "current.binpb");
    const prev = join(dir, "previous.binpb");
    await Promise.all([writeFile(cur, current), writeFile(prev, previous)]);
    const config = JSON.stringify({ version: "v2", breaking: { use } });
    const { code, stdout, stderr } = await runBuf([
      "breaking",
      cur,
      "--against",
      prev,
      "--config",
      config,
      "--error-format",
      "json",
    ]);
    const findings = parseBufFindings(Buffer.from(stdout).toString("utf8"));
    const compile = findings.filter((f) => f.type === "COMPILE");
    if (compile.length > 0) {
      throw new ProtoInputError(
        "CK_PROTO_COMPILE",
        `${compile.length} compile error(s)`,
        compile.map((f) => ({
          file: f.path,
          line: f.start_line,
          column: f.start_column,
          message: f.message,
        })),
      );
    }
    if (code === 0 || (code === 100 && findings.length > 0)) return findings;
    throw new ProtoInputError(
      "CK_PROTO_INPUT",
      `buf breaking failed (exit ${code}): ${stderr.trim() || "no output"}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function parseBufFindings(stdout: string): BufFinding[] {
  const out: BufFinding[] = [];
  for (const line of stdout.split("\n")) {
    const text = line.trim();
    if (!text.startsWith("{")) continue;
    const j = JSON.parse(text) as Partial<BufFinding>;
    if (typeof j.type !== "string" || typeof j.message !== "string") continue;
    out.push({
      path: j.path ?? "",
      start_line: j.start_line ?? 1,
      start_column: j.start_column ?? 1,
      end_line: j.end_line ?? j.start_line ?? 1,
      end_column: j.end_column ?? j.start_column ?? 1,
      type: j.type,
      message: j.message,
    });
  }
  return out;
}
