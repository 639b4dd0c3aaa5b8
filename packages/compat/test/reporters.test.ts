import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { type GateResult, runGate } from "../src/gate.js";
import { ERROR_FORMATS, formatResult } from "../src/reporters/format.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "formats");
const EXT: Record<string, string> = {
  text: "txt",
  json: "json.snap",
  "github-actions": "txt",
  junit: "xml",
  sarif: "sarif.snap",
  markdown: "md.snap",
};

/**
 * One change set (a deleted RPC, deleted fields, a changed event subject, an inline
 * acceptance, an accepted and an expired exception) rendered in every output format.
 */
describe("output formats", () => {
  let result: GateResult;
  beforeAll(async () => {
    result = await runGate({
      input: "current",
      against: "previous",
      cwd: dir,
      today: "2026-06-01",
      exceptions: {
        file: "contractkit.yaml",
        lines: [3, 8],
        exceptions: [
          {
            rule: "CK_EVENT_SUBJECT_CHANGED",
            element: "shop.v1.OrderPlaced",
            reason: "no consumer yet",
            expires: "2026-12-31",
            approver: "alice",
          },
          {
            rule: "RPC_NO_DELETE",
            element: "shop.v1.Gone",
            reason: "old",
            expires: "2026-01-31",
            approver: "bob",
          },
        ],
      },
    });
  });

  it("finds, accepts and fails what it should", () => {
    expect(result.findings.map((f) => [f.rule, f.element, f.accepted?.via ?? "blocking"])).toEqual([
      ["CK_EXCEPTION_EXPIRED", "shop.v1.Gone", "blocking"],
      ["CK_EVENT_SUBJECT_CHANGED", "shop.v1.OrderPlaced", "config"],
      ["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "shop.v1.OrderPlaced.note", "inline"],
      ["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", "shop.v1.OrderPlaced.coupon", "inline"],
      ["RPC_NO_DELETE", "shop.v1.OrderService.CancelOrder", "blocking"],
    ]);
    expect(result.breaking).toBe(true);
  });

  for (const format of ERROR_FORMATS) {
    it(`renders ${format}`, async () => {
      const out = formatResult(format, result);
      if (format === "json" || format === "sarif") expect(() => JSON.parse(out)).not.toThrow();
      await expect(out).toMatchFileSnapshot(`__snapshots__/format.${format}.${EXT[format]}`);
    });
  }
});
