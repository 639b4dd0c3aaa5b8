/**
 * Redelivery delays. A plain JetStream `nak` redelivers at once, so the subscriber
 * computes the delay itself from the delivery count and passes it to `nak(delay)`.
 */
export interface BackoffPolicy {
  /** Delay after the first failed delivery (default 1000 ms). */
  initialMs?: number;
  /** Growth per further failure (default 2). */
  multiplier?: number;
  /** Upper bound (default 60 000 ms). */
  maxMs?: number;
  /** Random spread, a fraction of the delay: 0.2 → ±20% (default 0, deterministic). */
  jitter?: number;
}

/** A policy, or explicit delays per failed delivery (the last repeats). */
export type Backoff = BackoffPolicy | readonly number[];

/** The delay before delivery `deliveryCount + 1`, after delivery `deliveryCount` failed. */
export function backoffDelay(
  backoff: Backoff | undefined,
  deliveryCount: number,
  random: () => number = Math.random,
): number {
  const n = Math.max(1, Math.floor(deliveryCount));
  if (Array.isArray(backoff)) {
    const list = backoff as readonly number[];
    if (list.length === 0) return 0;
    return Math.max(0, list[Math.min(n, list.length) - 1] as number);
  }
  const p = (backoff ?? {}) as BackoffPolicy;
  const initial = p.initialMs ?? 1000;
  const multiplier = p.multiplier ?? 2;
  const max = p.maxMs ?? 60_000;
  const base = Math.min(max, initial * multiplier ** (n - 1));
  const jitter = p.jitter ?? 0;
  if (jitter <= 0) return Math.round(base);
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(Math.min(max, base + spread)));
}
