import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.js";

describe("backoffDelay", () => {
  it("grows exponentially from the initial delay and stops at the maximum", () => {
    const p = { initialMs: 100, multiplier: 3, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(p, n))).toEqual([100, 300, 900, 1000, 1000]);
  });

  it("defaults to 1 s doubling up to 60 s", () => {
    expect(backoffDelay(undefined, 1)).toBe(1000);
    expect(backoffDelay(undefined, 3)).toBe(4000);
    expect(backoffDelay(undefined, 30)).toBe(60_000);
  });

  it("takes explicit delays per delivery, repeating the last", () => {
    expect([1, 2, 3, 9].map((n) => backoffDelay([50, 500, 5000], n))).toEqual([
      50, 500, 5000, 5000,
    ]);
  });

  it("spreads by the jitter fraction", () => {
    expect(backoffDelay({ initialMs: 1000, jitter: 0.5 }, 1, () => 0)).toBe(500);
    expect(backoffDelay({ initialMs: 1000, jitter: 0.5 }, 1, () => 1)).toBe(1500);
  });
});
