import { describe, expect, it } from "vitest";
import {
  assertNoSubjectOverlap,
  resolveDeadLetterSettings,
  subjectsOverlap,
} from "./dead-letter-settings.js";

describe("subject overlap", () => {
  it("matches wildcards token by token", () => {
    expect(subjectsOverlap("ck.dlq.>", "ck.dlq.ORDERS.billing")).toBe(true);
    expect(subjectsOverlap("ck.dlq.>", "ck.*.x")).toBe(true);
    expect(subjectsOverlap("ck.dlq.>", "ck.dlq")).toBe(false);
    expect(subjectsOverlap("ck.dlq.>", "musiccorp.orders.*.placed")).toBe(false);
    expect(subjectsOverlap(">", "a")).toBe(true);
    expect(subjectsOverlap("a.*", "a.b.c")).toBe(false);
  });

  it("refuses a contract subject inside the hospital's, naming both", () => {
    const s = resolveDeadLetterSettings();
    expect(() =>
      assertNoSubjectOverlap(s, ["musiccorp.orders.{customer_id}.placed", "musiccorp.rpc.x.Y"]),
    ).not.toThrow();
    expect(() => assertNoSubjectOverlap(s, ["ck.{region}.replay"])).toThrow(
      /"ck\.\{region\}\.replay" overlaps the hospital's "ck\.dlq\.>"/,
    );
  });

  it("rejects names JetStream would refuse", () => {
    expect(() => resolveDeadLetterSettings({ stream: "dead.letters" })).toThrow(
      /not a valid JetStream name/,
    );
    expect(() => resolveDeadLetterSettings({ subjectPrefix: "ck.*" })).toThrow(/without wildcards/);
  });
});
