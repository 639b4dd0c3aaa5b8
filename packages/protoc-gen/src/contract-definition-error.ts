/**
 * Errors the plugin raises. A contract that breaks a ContractKit rule raises one
 * `ContractDefinitionError` holding every diagnostic found (not just the first); a bad
 * plugin parameter raises `PluginOptionsError` naming the option.
 */

/** Stable codes of the contract checks. */
export type DiagnosticCode =
  /** A `{token}` names no string, integer or enum field of the event. */
  | "SUBJECT_TOKEN_UNKNOWN_FIELD"
  /** A `{token}` names a field marked `sensitive`. */
  | "SUBJECT_TOKEN_SENSITIVE"
  /** A `{token}` is not a whole subject part, e.g. `orders.id-{id}`. */
  | "SUBJECT_TOKEN_NOT_WHOLE_PART"
  /** An event option without a subject. */
  | "SUBJECT_EMPTY"
  /** A subject that NATS would not accept (empty part, wildcard, whitespace). */
  | "SUBJECT_INVALID"
  /** Two event subject templates can match the same subject. */
  | "SUBJECT_OVERLAP"
  /** A stream's subjects capture a NATS RPC method subject. */
  | "STREAM_RPC_OVERLAP"
  /** A streaming method on a NATS-transport service. */
  | "NATS_STREAMING_METHOD"
  /** An invalid NATS-transport subject prefix. */
  | "RPC_SUBJECT_INVALID"
  /** `long_running` on a method of a gRPC-transport service. */
  | "LONG_RUNNING_NOT_NATS"
  /** An event subject inside the long-running requests' subjects (`ck.lr.>`). */
  | "LONG_RUNNING_SUBJECT_OVERLAP"
  /** `publishes` / `consumes` names something that is not an event. */
  | "TOPOLOGY_NOT_AN_EVENT";

/** One finding, located in the user's proto file (1-based line and column). */
export interface ContractDiagnostic {
  readonly code: DiagnosticCode;
  /** The proto file, relative to its module root, e.g. `acme/v1/orders.proto`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** A diagnostic at a position. */
export function diag(
  code: DiagnosticCode,
  at: { readonly file: string; readonly line: number; readonly column: number },
  message: string,
): ContractDiagnostic {
  return { code, file: at.file, line: at.line, column: at.column, message };
}

/** `file:line:col: message [CODE]`, the format compilers and editors understand. */
export function formatDiagnostic(d: ContractDiagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message} [${d.code}]`;
}

/** The contract breaks one or more ContractKit rules; nothing was generated. */
export class ContractDefinitionError extends Error {
  override readonly name = "ContractDefinitionError";
  /** Stable code of the error as a whole; each diagnostic carries its own. */
  readonly code = "CONTRACT_DEFINITION_INVALID";
  readonly diagnostics: readonly ContractDiagnostic[];

  constructor(diagnostics: readonly ContractDiagnostic[]) {
    const n = diagnostics.length;
    super(
      `${n} contract problem${n === 1 ? "" : "s"} found:\n${diagnostics.map(formatDiagnostic).join("\n")}`,
    );
    this.diagnostics = diagnostics;
  }
}

/** A plugin parameter (`key=value` in the plugin options) that the plugin does not accept. */
export class PluginOptionsError extends Error {
  override readonly name = "PluginOptionsError";
  readonly code = "PLUGIN_OPTION_INVALID";
  /** The option's key, e.g. `manifest`. */
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorOptions) {
    super(`option "${option}": ${message}`, options);
    this.option = option;
  }
}

/** True for a ContractDefinitionError, also across duplicate copies of this package. */
export function isContractDefinitionError(value: unknown): value is ContractDefinitionError {
  return (
    value instanceof ContractDefinitionError ||
    (value instanceof Error &&
      value.name === "ContractDefinitionError" &&
      Array.isArray((value as { diagnostics?: unknown }).diagnostics))
  );
}

/** True for a PluginOptionsError, also across duplicate copies of this package. */
export function isPluginOptionsError(value: unknown): value is PluginOptionsError {
  return (
    value instanceof PluginOptionsError ||
    (value instanceof Error &&
      value.name === "PluginOptionsError" &&
      typeof (value as { option?: unknown }).option === "string")
  );
}
