import type { GrpcServiceTable, IdempotencyLevel } from "@contractkit/core";

/** Automatic retries, done by grpc-js itself from the service config. */
export interface RetryOptions {
  /** Attempts in total, first included (2–5; grpc-js caps it at 5). Default 4. */
  maxAttempts?: number;
  /** Backoff before the first retry (randomised by grpc-js). Default 100 ms. */
  initialBackoffMs?: number;
  /** Upper bound of the backoff. Default 2000 ms. */
  maxBackoffMs?: number;
  /** Default 2. */
  backoffMultiplier?: number;
  /**
   * Retry throttling per target: every failure costs a token, every success returns
   * `tokenRatio`; below half the tokens, grpc-js stops retrying. Default 10 / 0.1.
   * `false` turns it off.
   */
  throttling?: { maxTokens: number; tokenRatio: number } | false;
}

/** Hedging for NO_SIDE_EFFECTS methods: send another attempt every `delayMs`. */
export interface HedgingOptions {
  /** Attempts in total (2–5). */
  maxAttempts: number;
  delayMs: number;
}

export interface ServiceConfigOptions {
  /** Deadline for methods without `timeout_ms`. Default 5000 ms. */
  defaultTimeoutMs?: number;
  /** `false`: no automatic retries at all. */
  retry?: RetryOptions | false;
  /** Off by default. */
  hedging?: HedgingOptions | false;
  /** `round_robin` spreads calls over every resolved address; grpc's default is `pick_first`. */
  loadBalancing?: "round_robin" | "pick_first";
  /**
   * Treat every method as idempotent. ContractKit uses this for the second channel that
   * carries calls with an idempotency key (the key makes a retry safe).
   */
  retryEveryMethod?: boolean;
}

/** The JSON form of a gRPC service config (what `grpc.service_config` takes). */
export interface ServiceConfigJson {
  loadBalancingConfig?: Array<Record<string, Record<string, never>>>;
  methodConfig: MethodConfigJson[];
  retryThrottling?: { maxTokens: number; tokenRatio: number };
}

export interface MethodConfigJson {
  name: Array<{ service: string; method?: string }>;
  timeout?: string;
  retryPolicy?: {
    maxAttempts: number;
    initialBackoff: string;
    maxBackoff: string;
    backoffMultiplier: number;
    retryableStatusCodes: string[];
  };
  hedgingPolicy?: { maxAttempts: number; hedgingDelay: string; nonFatalStatusCodes: string[] };
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_RETRY = {
  maxAttempts: 4,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  backoffMultiplier: 2,
  throttling: { maxTokens: 10, tokenRatio: 0.1 },
} as const;

/**
 * The codes grpc-js retries. RESOURCE_EXHAUSTED is only retried when the server sends
 * `grpc-retry-pushback-ms` (a ContractKit server sends a negative one, "do not retry",
 * unless the error carries RetryInfo). DEADLINE_EXCEEDED is never retried: grpc-js has
 * no per-attempt timeout, so the overall deadline is spent.
 */
export const RETRYABLE_CODES = ["UNAVAILABLE", "RESOURCE_EXHAUSTED"] as const;

/** True when the contract allows retrying a method without an idempotency key. */
export function isRetrySafe(level: IdempotencyLevel): boolean {
  return level === "IDEMPOTENT" || level === "NO_SIDE_EFFECTS";
}

/**
 * Builds the grpc-js service config for a set of services from their contract: one
 * method config per method with its timeout, and a retry policy (or, for NO_SIDE_EFFECTS
 * methods when enabled, a hedging policy) only for methods that are safe to repeat.
 */
export function createServiceConfig(
  tables: readonly GrpcServiceTable[],
  options: ServiceConfigOptions = {},
): ServiceConfigJson {
  const defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry = options.retry === false ? undefined : { ...DEFAULT_RETRY, ...options.retry };
  if (retry) checkAttempts("retry.maxAttempts", retry.maxAttempts);
  const hedging = options.hedging || undefined;
  if (hedging) checkAttempts("hedging.maxAttempts", hedging.maxAttempts);

  const methodConfig: MethodConfigJson[] = [];
  for (const table of tables) {
    for (const method of Object.values(table.methods)) {
      const config: MethodConfigJson = {
        name: [{ service: table.typeName, method: method.protoName }],
        timeout: timeoutDuration(method.timeoutMs ?? defaultTimeoutMs),
      };
      const safe = options.retryEveryMethod === true || isRetrySafe(method.idempotency);
      if (hedging && method.idempotency === "NO_SIDE_EFFECTS") {
        config.hedgingPolicy = {
          maxAttempts: hedging.maxAttempts,
          hedgingDelay: seconds(hedging.delayMs),
          nonFatalStatusCodes: [...RETRYABLE_CODES],
        };
      } else if (retry && safe) {
        config.retryPolicy = {
          maxAttempts: retry.maxAttempts,
          initialBackoff: seconds(retry.initialBackoffMs),
          maxBackoff: seconds(retry.maxBackoffMs),
          backoffMultiplier: retry.backoffMultiplier,
          retryableStatusCodes: [...RETRYABLE_CODES],
        };
      }
      methodConfig.push(config);
    }
  }
  const out: ServiceConfigJson = { methodConfig };
  if (options.loadBalancing) out.loadBalancingConfig = [{ [options.loadBalancing]: {} }];
  if (retry?.throttling) out.retryThrottling = { ...retry.throttling };
  return out;
}

function checkAttempts(option: string, n: number): void {
  if (!Number.isInteger(n) || n < 2 || n > 5) {
    throw new RangeError(
      `${option} is ${n}; it must be an integer from 2 to 5 (grpc-js caps attempts at 5)`,
    );
  }
}

/**
 * A method timeout with all nine fractional digits, `1500` → `"1.500000000s"`: grpc-js
 * (1.14) reads the fraction as a whole number of nanoseconds, so `"0.4s"` would be 4 ns.
 */
function timeoutDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  return `${Math.floor(total / 1000)}.${String((total % 1000) * 1_000_000).padStart(9, "0")}s`;
}

/** `1500` → `"1.5s"`, the duration format of a service config. */
function seconds(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  return `${Number(s.toFixed(3))}s`;
}
