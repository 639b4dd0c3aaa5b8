/**
 * A failure the user can fix. `code` is stable (documented in the README), `exitCode`
 * follows the table below, and the message says what to do next.
 *
 * Exit codes: 0 success; 1 the check found something (stale output, breaking change);
 * 2 bad input or usage (the check could not run); 3 internal error.
 */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: 1 | 2 | 3 = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isCliError(value: unknown): value is CliError {
  return (
    value instanceof Error &&
    value.name === "CliError" &&
    typeof (value as CliError).code === "string"
  );
}
