/**
 * The status codes shared by both transports: the gRPC code set. Each code is classified
 * as retryable (a later attempt may succeed: the HTTP 5xx/429 family) or not (the request
 * itself is wrong: the HTTP 4xx family).
 */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type Code = (typeof Code)[keyof typeof Code];
export type CodeName = keyof typeof Code;

const names = new Map<number, CodeName>(
  Object.entries(Code).map(([name, value]) => [value, name as CodeName]),
);

/** `codeName(14)` is `"UNAVAILABLE"`; an unknown number gives `"UNKNOWN"`. */
export function codeName(code: number): CodeName {
  return names.get(code) ?? "UNKNOWN";
}

/** True for a number in the gRPC code set. */
export function isCode(value: unknown): value is Code {
  return typeof value === "number" && names.has(value);
}

/** Parses `"UNAVAILABLE"`, `"unavailable"` or `"14"`; undefined when it is none of them. */
export function parseCode(value: string): Code | undefined {
  const upper = value.trim().toUpperCase();
  if (upper in Code) return Code[upper as CodeName];
  const n = Number(upper);
  return Number.isInteger(n) && names.has(n) ? (n as Code) : undefined;
}

/**
 * Codes for which a later attempt of the same work may succeed. A message consumer naks
 * (and later dead-letters) on these; any other code dead-letters at once, because
 * redelivering a request that is wrong cannot help.
 *
 * RPC clients are stricter: they retry only UNAVAILABLE (and RESOURCE_EXHAUSTED with a
 * server push-back) and only for idempotent methods; see `isRetryableForRpc`.
 */
const retryable: ReadonlySet<number> = new Set([
  Code.UNKNOWN,
  Code.DEADLINE_EXCEEDED,
  Code.RESOURCE_EXHAUSTED,
  Code.ABORTED,
  Code.INTERNAL,
  Code.UNAVAILABLE,
]);

export function isRetryableCode(code: number): boolean {
  return retryable.has(code);
}

/** The codes an RPC client may retry automatically (for idempotent calls only). */
export function isRetryableForRpc(code: number): boolean {
  return code === Code.UNAVAILABLE || code === Code.RESOURCE_EXHAUSTED;
}

const httpStatus: Record<CodeName, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
  UNAUTHENTICATED: 401,
};

/** The HTTP-like number used by the NATS micro convention (`Nats-Service-Error-Code`). */
export function codeToHttpStatus(code: number): number {
  return httpStatus[codeName(code)];
}

/** Best-effort inverse of `codeToHttpStatus`, for peers that send only the HTTP number. */
export function httpStatusToCode(status: number): Code {
  switch (status) {
    case 400:
      return Code.INVALID_ARGUMENT;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.NOT_FOUND;
    case 408:
    case 504:
      return Code.DEADLINE_EXCEEDED;
    case 409:
      return Code.ABORTED;
    case 429:
      return Code.RESOURCE_EXHAUSTED;
    case 499:
      return Code.CANCELLED;
    case 501:
      return Code.UNIMPLEMENTED;
    case 503:
      return Code.UNAVAILABLE;
    default:
      return status >= 500
        ? Code.INTERNAL
        : status >= 400
          ? Code.FAILED_PRECONDITION
          : Code.UNKNOWN;
  }
}
