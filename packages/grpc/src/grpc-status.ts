import {
  Code,
  ContractError,
  decodeStatus,
  type ErrorDetail,
  encodeStatus,
  isCode,
  isContractError,
} from "@contractkit/core";
import { Metadata, type ServiceError, type StatusObject } from "@grpc/grpc-js";

/** Trailer carrying a `google.rpc.Status` with typed details. */
export const STATUS_DETAILS_TRAILER = "grpc-status-details-bin";
/** Trailer grpc-js reads before retrying: a delay in ms, or negative for "do not retry". */
export const RETRY_PUSHBACK_TRAILER = "grpc-retry-pushback-ms";

/** What a handler's failure becomes on the wire. */
export interface ServerErrorStatus {
  code: number;
  details: string;
  metadata: Metadata;
}

/**
 * Maps anything a handler threw to a gRPC status. A ContractError keeps its code,
 * message, details (in `grpc-status-details-bin`) and metadata. Any other error becomes
 * INTERNAL with a generic message: neither its message nor its stack leaves the process.
 *
 * RESOURCE_EXHAUSTED and UNAVAILABLE with a RetryInfo detail also get
 * `grpc-retry-pushback-ms`, which grpc-js clients honour as the retry delay. A
 * RESOURCE_EXHAUSTED without one gets a negative push-back: the client must not retry
 * (retrying an overloaded server without being asked to makes things worse).
 */
export function toServerStatus(error: unknown): ServerErrorStatus {
  const metadata = new Metadata();
  if (!isContractError(error)) {
    return { code: Code.INTERNAL, details: "internal error", metadata };
  }
  for (const [key, value] of Object.entries(error.metadata)) {
    if (isApplicationKey(key)) metadata.set(key, value);
  }
  if (error.details.length > 0) {
    const bytes = encodeStatus({
      code: error.code,
      message: error.rawMessage,
      details: error.details,
    });
    metadata.set(STATUS_DETAILS_TRAILER, Buffer.from(bytes));
  }
  const retry = error.findDetail("google.rpc.RetryInfo");
  if (retry && (error.code === Code.RESOURCE_EXHAUSTED || error.code === Code.UNAVAILABLE)) {
    metadata.set(RETRY_PUSHBACK_TRAILER, String(Math.max(0, Math.round(retry.retryDelayMs))));
  } else if (error.code === Code.RESOURCE_EXHAUSTED) {
    metadata.set(RETRY_PUSHBACK_TRAILER, "-1");
  }
  return { code: error.code, details: error.rawMessage, metadata };
}

/**
 * Maps a failed call (a grpc-js ServiceError or status) to a ContractError, decoding the
 * rich details from `grpc-status-details-bin`. Undecodable details are dropped, never
 * thrown: the code and message still reach the caller.
 */
export function fromServiceError(error: ServiceError | StatusObject | unknown): ContractError {
  if (isContractError(error)) return error;
  const e = error as Partial<ServiceError>;
  if (typeof e !== "object" || e === null || !isCode(e.code)) return ContractError.from(error);
  let details: ErrorDetail[] = [];
  const record: Record<string, string> = {};
  if (e.metadata instanceof Metadata) {
    const raw = e.metadata.get(STATUS_DETAILS_TRAILER)[0];
    if (raw instanceof Uint8Array) {
      try {
        details = decodeStatus(raw).details;
      } catch {
        details = [];
      }
    }
    for (const [key, value] of Object.entries(e.metadata.getMap())) {
      if (typeof value === "string" && isApplicationKey(key)) record[key] = value;
    }
  }
  const message = typeof e.details === "string" && e.details ? e.details : codeMessage(e.code);
  return new ContractError(e.code, message, {
    details,
    metadata: record,
    ...(error instanceof Error ? { cause: error } : {}),
  });
}

/** Transport keys (HTTP/2, gRPC) never travel as error metadata from one hop to the next. */
const TRANSPORT_KEYS = new Set([
  "content-type",
  "date",
  "te",
  "user-agent",
  "server",
  "content-length",
]);

function isApplicationKey(key: string): boolean {
  return (
    !key.startsWith("grpc-") &&
    !key.startsWith(":") &&
    !key.endsWith("-bin") &&
    !TRANSPORT_KEYS.has(key)
  );
}

function codeMessage(code: number): string {
  return code === Code.OK ? "ok" : "call failed";
}
