/**
 * The gate could not run: a bad baseline ref, a missing folder, an unreadable image.
 * (Compile errors are ProtoInputError.) Findings are never errors.
 */
export class GateInputError extends Error {
  override name = "GateInputError";
  constructor(
    readonly code: "CK_BAD_REF" | "CK_BASELINE" | "CK_IMAGE_INVALID",
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isGateInputError(value: unknown): value is GateInputError {
  return value instanceof Error && value.name === "GateInputError";
}
