import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runGate } from "../src/gate.js";
import type { PolicyName } from "../src/policy.js";
import { materializeValidateProto } from "../src/toolchain/validate-proto.js";

/**
 * One folder per rule under test/rules/<case>/ with previous/ and current/ protos and
 * fixture.json holding the policy (default unless named) and the exact findings: rule,
 * element, file, line and column. UPDATE_FIXTURES=1 rewrites the expectations (review
 * the diff before committing).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "rules");
const cases = readdirSync(root).sort();

interface Expected {
  rule: string;
  element: string;
  file: string;
  line: number;
  column: number;
  accepted?: boolean;
}

let includes: string[] = [];
beforeAll(() => {
  includes = [materializeValidateProto(join(tmpdir(), "contractkit-test-validate-proto"))];
});

describe("rule fixtures", () => {
  it("has a folder per rule", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const fixture = JSON.parse(readFileSync(join(dir, "fixture.json"), "utf8")) as {
        policy?: PolicyName;
        findings?: Expected[];
      };
      const result = await runGate({
        input: "current",
        against: "previous",
        cwd: dir,
        includes,
        ...(fixture.policy ? { policy: fixture.policy } : {}),
        today: "2026-06-01",
      });
      const actual: Expected[] = result.findings.map((f) => ({
        rule: f.rule,
        element: f.element,
        file: f.location.file,
        line: f.location.line,
        column: f.location.column,
        ...(f.accepted ? { accepted: true } : {}),
      }));
      if (process.env.UPDATE_FIXTURES) {
        writeFileSync(
          join(dir, "fixture.json"),
          `${JSON.stringify({ ...fixture, findings: actual }, null, 2)}\n`,
        );
      }
      expect(actual).toEqual(fixture.findings);
      expect(result.breaking).toBe(actual.some((f) => !f.accepted));
      for (const f of result.findings) {
        expect(f.message.length).toBeGreaterThan(0);
        expect(f.hint.length).toBeGreaterThan(0);
        expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      }
    });
  }
});
