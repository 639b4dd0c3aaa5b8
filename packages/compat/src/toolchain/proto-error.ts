/** One compiler diagnostic, positioned in the user's own file. */
export interface ProtoDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * The protos could not be compiled or read. `diagnostics` name the user's files (never
 * a temporary folder); `code` is stable for the CLI.
 */
export class ProtoInputError extends Error {
  override name = "ProtoInputError";
  constructor(
    readonly code: "CK_PROTO_COMPILE" | "CK_PROTO_INPUT",
    message: string,
    readonly diagnostics: ProtoDiagnostic[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** `file:line:col: message` lines, the format editors and CI annotate. */
  format(): string {
    if (this.diagnostics.length === 0) return this.message;
    return this.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join("\n");
  }
}

export function isProtoInputError(value: unknown): value is ProtoInputError {
  return value instanceof Error && value.name === "ProtoInputError";
}
