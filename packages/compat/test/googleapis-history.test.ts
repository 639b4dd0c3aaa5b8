import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runGate } from "../src/gate.js";
import { extractCorpus } from "./corpora.js";

interface Case {
  case: string;
  subject: string;
  breaking: boolean;
}

/**
 * Real googleapis history: nine announced breaking changes must fail and five additive
 * commits (new fields and messages, language-specific file options) must pass under the
 * default policy.
 */
describe("googleapis history under the default policy", () => {
  const root = join(extractCorpus("googleapis-history.tar.gz"), "googleapis-history");
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as Case[];

  it("has nine breaking and five additive commits", () => {
    expect(manifest.filter((c) => c.breaking)).toHaveLength(9);
    expect(manifest.filter((c) => !c.breaking)).toHaveLength(5);
  });

  for (const c of manifest) {
    it(`${c.case} ${c.breaking ? "fails" : "passes"}: ${c.subject.slice(0, 60)}`, async () => {
      const result = await runGate({ input: "after", against: "before", cwd: join(root, c.case) });
      const blocking = result.findings.filter((f) => !f.accepted);
      if (c.breaking) {
        expect(blocking.length).toBeGreaterThan(0);
        for (const f of blocking) {
          expect(f.element).toMatch(/^(google|grafeas)\./);
          expect(f.location.file).toMatch(/^(after|before)\/.+\.proto$/);
        }
      } else {
        expect(blocking).toEqual([]);
      }
      expect(result.breaking).toBe(c.breaking);
    });
  }
});
