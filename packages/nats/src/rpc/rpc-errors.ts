import {
  badRequest,
  Code,
  ContractError,
  codeToHttpStatus,
  decodeStatus,
  type ErrorDetail,
  encodeStatus,
  formatViolations,
  Header,
  httpStatusToCode,
  isContractError,
  parseCode,
  type Violation,
} from "@contractkit/core";
import { errors as natsErrors } from "@nats-io/nats-core";
import { ServiceErrorCodeHeader, ServiceErrorHeader } from "@nats-io/services";
import { messageOf } from "../nats-errors.js";

/**
 * How a failed NATS RPC travels. The NATS micro convention gives every service tool the
 * outline (`Nats-Service-Error` with a message, `Nats-Service-Error-Code` with an HTTP-like
 * number); ContractKit adds the exact gRPC code (`ck-status-code`) and the whole
 * `google.rpc.Status` with its details, base64 (`ck-status-details-bin`), so the caller
 * gets back the same `ContractError` the handler threw.
 */
export interface ErrorReply {
  /** The HTTP-like number for `respondError`. */
  httpStatus: number;
  /** The `Nats-Service-Error` text: one line, header-safe. */
  description: string;
  /** ContractKit headers to send with it. */
  headers: Record<string, string>;
}

/** Headers that belong to the transport or the envelope, never to an error's metadata. */
const RESERVED = new Set(
  [
    Header.statusCode,
    Header.statusDetails,
    ServiceErrorHeader,
    ServiceErrorCodeHeader,
    Header.contentType,
    Header.traceparent,
    Header.tracestate,
    Header.budgetMs,
    Header.idempotencyKey,
  ].map((h) => h.toLowerCase()),
);

function isMetadataKey(key: string): boolean {
  const k = key.toLowerCase();
  return !RESERVED.has(k) && !k.startsWith("nats-") && !k.startsWith("ce-");
}

/**
 * What a handler's failure becomes on the wire. A ContractError keeps its code, message,
 * details and metadata; anything else is INTERNAL "internal error": neither its message
 * nor its stack leaves the process.
 */
export function toErrorReply(error: unknown): ErrorReply {
  const e = isContractError(error) ? error : new ContractError(Code.INTERNAL, "internal error");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.metadata)) if (isMetadataKey(k)) headers[k] = v;
  headers[Header.statusCode] = String(e.code);
  const status = encodeStatus({ code: e.code, message: e.rawMessage, details: e.details });
  headers[Header.statusDetails] = Buffer.from(status).toString("base64");
  return {
    httpStatus: codeToHttpStatus(e.code),
    description: headerSafe(e.rawMessage) || "error",
    headers,
  };
}

/**
 * The ContractError of an error reply, or undefined when the reply is a success. A peer
 * that only follows the NATS micro convention (no `ck-status-code`) gets the code mapped
 * from its HTTP-like number. Undecodable details are dropped, never thrown.
 */
export function fromErrorReply(
  headers: Readonly<Record<string, string>>,
): ContractError | undefined {
  const get = (name: string) => headers[name] ?? findHeader(headers, name);
  const httpCode = get(ServiceErrorCodeHeader);
  const ckCode = get(Header.statusCode);
  if (httpCode === undefined && ckCode === undefined) return undefined;
  const code =
    (ckCode === undefined ? undefined : parseCode(ckCode)) ??
    httpStatusToCode(Number(httpCode ?? 500));
  let message = get(ServiceErrorHeader) ?? "call failed";
  let details: ErrorDetail[] = [];
  const raw = get(Header.statusDetails);
  if (raw) {
    try {
      const status = decodeStatus(new Uint8Array(Buffer.from(raw, "base64")));
      details = status.details;
      if (status.message) message = status.message;
    } catch {
      details = [];
    }
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (isMetadataKey(k)) metadata[k] = v;
  return new ContractError(code as Code, message, { details, metadata });
}

/** Maps a failed `nc.request` (no reply at all) to a ContractError. */
export function fromRequestFailure(err: unknown, subject: string): ContractError {
  if (isContractError(err)) return err;
  if (isNoResponders(err)) {
    return new ContractError(Code.UNAVAILABLE, `no responders for ${subject}`, { cause: err });
  }
  if (err instanceof natsErrors.TimeoutError) {
    return new ContractError(Code.DEADLINE_EXCEEDED, `no reply on ${subject} within the deadline`, {
      cause: err,
    });
  }
  if (
    err instanceof natsErrors.ClosedConnectionError ||
    err instanceof natsErrors.DrainingConnectionError ||
    err instanceof natsErrors.ConnectionError
  ) {
    return new ContractError(Code.UNAVAILABLE, `connection unavailable: ${messageOf(err)}`, {
      cause: err,
    });
  }
  if (err instanceof natsErrors.PermissionViolationError) {
    return new ContractError(Code.PERMISSION_DENIED, messageOf(err), { cause: err });
  }
  return ContractError.from(err);
}

function isNoResponders(err: unknown): boolean {
  if (err instanceof natsErrors.NoRespondersError) return true;
  if (err instanceof natsErrors.RequestError) {
    return err.isNoResponders() || err.cause instanceof natsErrors.NoRespondersError;
  }
  return false;
}

/** The INVALID_ARGUMENT error for violations, with a BadRequest detail. */
export function invalidArgument(what: string, violations: readonly Violation[]): ContractError {
  return new ContractError(Code.INVALID_ARGUMENT, `${what}: ${formatViolations(violations)}`, {
    details: [
      badRequest(
        violations.map((v) => ({ field: v.path, description: v.message, reason: v.rule })),
      ),
    ],
  });
}

/** The ContractError for an aborted signal: its reason when it is one, else CANCELLED. */
export function abortError(signal: AbortSignal): ContractError {
  const reason: unknown = signal.reason;
  const e = ContractError.from(reason, Code.CANCELLED);
  return e.code === Code.UNKNOWN
    ? new ContractError(Code.CANCELLED, "call cancelled", { cause: reason })
    : e;
}

function findHeader(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** Header values cannot hold line breaks; long texts are cut (the full one is in the status). */
function headerSafe(text: string): string {
  const one = text.replace(/[\r\n]+/g, " ").trim();
  return one.length > 512 ? `${one.slice(0, 509)}...` : one;
}
