import type { MethodDefinition, NatsServiceDefinition } from "@contractkit/core";

/** Retries of UNAVAILABLE for calls that are safe to repeat (see `createRpc`). */
export interface RpcRetryPolicy {
  /** Attempts in all, the first included (default 4). */
  maxAttempts?: number;
  /** Delay before the first retry (default 100 ms). */
  initialBackoffMs?: number;
  /** Upper bound of a delay (default 2000 ms). */
  maxBackoffMs?: number;
  /** Growth per retry (default 2). */
  backoffMultiplier?: number;
}

export interface RpcOptions {
  /** `ce-source` of requests (default `contractkit`). */
  source?: string;
  /** Deadline of calls to methods without a contract `timeout_ms` (default 5000 ms). */
  defaultTimeoutMs?: number;
  /** Validate requests before sending them (default true); servers always validate. */
  validateRequests?: boolean;
  /** Servers validate their handlers' responses (default false). */
  validateResponses?: boolean;
  /** Retry policy, or `false` for none (default: 4 attempts, 100 ms ×2 up to 2 s, jittered). */
  retry?: RpcRetryPolicy | false;
  /**
   * How long `stop()` lets running handlers finish before their signal fires with
   * UNAVAILABLE (default 10 000 ms).
   */
  drainTimeoutMs?: number;
  /** Version announced in `$SRV.INFO` (semver, default `0.0.0`). */
  serviceVersion?: string;
  /**
   * Called with what a handler threw that is not a ContractError (the caller sees INTERNAL
   * "internal error"). Default: written to stderr.
   */
  onError?: (error: unknown, service: NatsServiceDefinition, method: MethodDefinition) => void;
}

export interface ResolvedRetry {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  backoffMultiplier: number;
}

export interface ResolvedRpcOptions {
  source: string;
  defaultTimeoutMs: number;
  validateRequests: boolean;
  validateResponses: boolean;
  retry: ResolvedRetry;
  serviceVersion: string;
  drainTimeoutMs: number;
  onError: NonNullable<RpcOptions["onError"]>;
}

export function resolveRpcOptions(options: RpcOptions = {}): ResolvedRpcOptions {
  const r = options.retry === false ? { maxAttempts: 1 } : (options.retry ?? {});
  const retry: ResolvedRetry = {
    maxAttempts: Math.max(1, Math.floor(r.maxAttempts ?? 4)),
    initialBackoffMs: Math.max(0, r.initialBackoffMs ?? 100),
    maxBackoffMs: Math.max(0, r.maxBackoffMs ?? 2000),
    backoffMultiplier: Math.max(1, r.backoffMultiplier ?? 2),
  };
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 5000;
  if (!(defaultTimeoutMs > 0)) {
    throw new TypeError(`createRpc: defaultTimeoutMs must be positive, got ${defaultTimeoutMs}`);
  }
  return {
    source: options.source ?? "contractkit",
    defaultTimeoutMs,
    validateRequests: options.validateRequests ?? true,
    validateResponses: options.validateResponses ?? false,
    retry,
    serviceVersion: options.serviceVersion ?? "0.0.0",
    drainTimeoutMs: Math.max(0, options.drainTimeoutMs ?? 10_000),
    onError:
      options.onError ??
      ((error, service, method) => {
        console.error(`NATS RPC ${service.typeName}.${method.protoName} failed:`, error);
      }),
  };
}

/** The delay before retry `n` (1 = the first retry): exponential with ±20% jitter. */
export function retryDelay(policy: ResolvedRetry, n: number): number {
  const base = Math.min(
    policy.maxBackoffMs,
    policy.initialBackoffMs * policy.backoffMultiplier ** Math.max(0, n - 1),
  );
  return Math.max(0, Math.round(base * (0.8 + Math.random() * 0.4)));
}
