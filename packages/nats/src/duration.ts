/**
 * Durations in configuration: a number of milliseconds, or a string such as `500ms`,
 * `30s`, `2m`, `1h`, `7d`, or a sum of them (`1h30m`). `0` means "no limit" where a
 * limit is meant.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`duration ${value} must be a non-negative number of milliseconds`);
    return value;
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(PART)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (consumed !== text.length || text.length === 0) {
    throw new Error(
      `duration "${value}" is not understood: use milliseconds or units such as 500ms, 30s, 2m, 1h, 7d`,
    );
  }
  return total;
}

/** Milliseconds to JetStream nanoseconds. */
export function msToNanos(ms: number): number {
  return Math.round(ms * 1_000_000);
}

/** JetStream nanoseconds to milliseconds. */
export function nanosToMs(ns: number): number {
  return Math.round(ns / 1_000_000);
}

/** `90000` → `1m30s`, for plan output. `0` is `unlimited`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "unlimited";
  const parts: string[] = [];
  let left = ms;
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ] as const) {
    if (left >= size) {
      const n = Math.floor(left / size);
      parts.push(`${n}${unit}`);
      left -= n * size;
    }
  }
  return parts.join("");
}
