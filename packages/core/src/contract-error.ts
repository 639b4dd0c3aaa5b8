import { Code, codeName, isCode, isRetryableCode } from "./code.js";
import type { ErrorDetail } from "./error-details.js";

const brand = Symbol.for("@contractkit/core/ContractError");

export interface ContractErrorOptions extends ErrorOptions {
  details?: ErrorDetail[];
  /** Extra metadata (gRPC trailers / NATS headers) that came with the error. */
  metadata?: Record<string, string>;
}

/**
 * The one error type of both runtimes: a gRPC code, a message, and structured details.
 * A handler throws it to choose the status its caller sees; a client throws it for every
 * failed call. Any other thrown value maps to UNKNOWN (see `ContractError.from`).
 */
export class ContractError extends Error {
  override name = "ContractError";
  readonly code: Code;
  readonly details: ErrorDetail[];
  readonly metadata: Record<string, string>;
  /** The message without the `[code]` prefix. */
  readonly rawMessage: string;

  constructor(code: Code, message: string, options: ContractErrorOptions = {}) {
    super(
      `[${codeName(code)}] ${message}`,
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.code = code;
    this.rawMessage = message;
    this.details = options.details ?? [];
    this.metadata = options.metadata ?? {};
    Object.defineProperty(this, brand, { value: true });
  }

  /** True when a later attempt may succeed (see `isRetryableCode`). */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }

  /** The first detail of a type, e.g. `err.findDetail("google.rpc.BadRequest")`. */
  findDetail<T extends ErrorDetail["type"]>(
    type: T,
  ): Extract<ErrorDetail, { type: T }> | undefined {
    return this.details.find((d) => d.type === type) as
      | Extract<ErrorDetail, { type: T }>
      | undefined;
  }

  /**
   * Converts anything thrown into a ContractError: a ContractError (from any copy of this
   * package) is returned as is; an AbortError becomes CANCELLED or DEADLINE_EXCEEDED; an
   * object with a numeric gRPC `code` keeps it; anything else is UNKNOWN, with the
   * original as `cause`.
   */
  static from(reason: unknown, fallback: Code = Code.UNKNOWN): ContractError {
    if (isContractError(reason)) return reason;
    if (reason instanceof Error) {
      if (reason.name === "TimeoutError") {
        return new ContractError(Code.DEADLINE_EXCEEDED, reason.message, { cause: reason });
      }
      if (reason.name === "AbortError") {
        return new ContractError(Code.CANCELLED, reason.message, { cause: reason });
      }
      const code = (reason as { code?: unknown }).code;
      if (isCode(code)) {
        const details = (reason as { details?: unknown }).details;
        return new ContractError(
          code,
          typeof details === "string" && details ? details : reason.message,
          {
            cause: reason,
          },
        );
      }
      return new ContractError(fallback, reason.message, { cause: reason });
    }
    return new ContractError(fallback, String(reason), { cause: reason });
  }
}

/** A guard that works across duplicate copies of this package. */
export function isContractError(value: unknown): value is ContractError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}
