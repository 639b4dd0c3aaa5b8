import { describe, expect, it } from "vitest";
import { remainingMs, runWithContext, withContext } from "./context.js";
import { contextFromEnvelope, createEnvelope, Header, readEnvelope } from "./envelope.js";
import { parseTraceparent, uuidv7 } from "./ids.js";

describe("envelope", () => {
  it("creates CloudEvents binary-mode headers with a fresh correlation id outside a handler", () => {
    const h = createEnvelope({ type: "a.v1.Ev", source: "svc" });
    expect(h[Header.specVersion]).toBe("1.0");
    expect(h[Header.type]).toBe("a.v1.Ev");
    expect(h[Header.id]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(h[Header.correlationId]).toBeTruthy();
    expect(parseTraceparent(h[Header.traceparent])).toBeDefined();
    expect(h[Header.causationId]).toBeUndefined();
  });

  it("inherits correlation, causation and trace from the handler's context", () => {
    const incoming = createEnvelope({ type: "a.v1.Ev", source: "svc" });
    const env = readEnvelope((n) => incoming[n]);
    const out = runWithContext(contextFromEnvelope(env), () =>
      createEnvelope({ type: "b.v1.Ev", source: "svc2" }),
    );
    expect(out[Header.correlationId]).toBe(incoming[Header.correlationId]);
    expect(out[Header.causationId]).toBe(incoming[Header.id]);
    const a = parseTraceparent(incoming[Header.traceparent]);
    const b = parseTraceparent(out[Header.traceparent]);
    expect(b?.traceId).toBe(a?.traceId);
    expect(b?.spanId).not.toBe(a?.spanId);
  });

  it("carries a relative budget that only shrinks", () => {
    const deadline = Date.now() + 5_000;
    const h = withContext({ deadline }, () =>
      withContext({ deadline: Date.now() + 60_000 }, () => {
        expect(remainingMs()).toBeLessThanOrEqual(5_000);
        return createEnvelope({ type: "r", source: "s", withBudget: true });
      }),
    );
    const budget = Number(h[Header.budgetMs]);
    expect(budget).toBeGreaterThan(4_000);
    expect(budget).toBeLessThanOrEqual(5_000);
    const ctx = contextFromEnvelope(readEnvelope((n) => h[n]));
    expect(ctx.deadline).toBeDefined();
  });

  it("uuidv7 sorts by time", () => {
    expect(uuidv7(1_000) < uuidv7(2_000)).toBe(true);
  });
});
