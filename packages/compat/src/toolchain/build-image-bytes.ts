import { parseBufDiagnostics, runBuf } from "./build-image.js";
import { ProtoInputError } from "./proto-error.js";
import type { ProtoInput } from "./proto-input.js";

/**
 * Like buildImage, but returns only the serialized image, leaving decoding to the caller
 * (the contract gate decodes just the files that changed between two images).
 */
export async function buildImageBytes(input: ProtoInput): Promise<Uint8Array> {
  const { code, stdout, stderr } = await runBuf([
    "build",
    input.workspaceDir,
    "--error-format",
    "json",
    "-o",
    "-#format=binpb",
  ]);
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
