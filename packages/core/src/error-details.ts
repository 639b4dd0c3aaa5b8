/**
 * Error details, shaped like the messages in google/rpc/error_details.proto and carried
 * on the wire inside a `google.rpc.Status`-compatible message (gRPC:
 * `grpc-status-details-bin`; NATS RPC: a header). Each detail is a tagged object so it
 * can be matched with a `switch` on `type`.
 */
export interface FieldViolation {
  /** Path of the field, e.g. `items[0].quantity`. */
  field: string;
  description: string;
  /** A machine-readable reason, e.g. the protovalidate rule id `int32.gt`. */
  reason?: string;
}

export interface BadRequest {
  type: "google.rpc.BadRequest";
  fieldViolations: FieldViolation[];
}

export interface ErrorInfo {
  type: "google.rpc.ErrorInfo";
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

export interface RetryInfo {
  type: "google.rpc.RetryInfo";
  /** How long the client should wait before retrying, in milliseconds. */
  retryDelayMs: number;
}

/** A detail this library does not model: kept as its type URL and raw bytes. */
export interface UnknownDetail {
  type: "unknown";
  typeUrl: string;
  value: Uint8Array;
}

export type ErrorDetail = BadRequest | ErrorInfo | RetryInfo | UnknownDetail;

export function badRequest(fieldViolations: FieldViolation[]): BadRequest {
  return { type: "google.rpc.BadRequest", fieldViolations };
}

export function errorInfo(
  reason: string,
  domain: string,
  metadata: Record<string, string> = {},
): ErrorInfo {
  return { type: "google.rpc.ErrorInfo", reason, domain, metadata };
}

export function retryInfo(retryDelayMs: number): RetryInfo {
  return { type: "google.rpc.RetryInfo", retryDelayMs };
}
