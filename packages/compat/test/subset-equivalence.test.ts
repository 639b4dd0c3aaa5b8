import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type BufFinding, runBufBreaking } from "../src/buf-breaking.js";
import { loadDirectory } from "../src/contract-source.js";
import { policyFor } from "../src/policy.js";
import { changedFiles, comparisonSet, readRawImage, subsetImage } from "../src/raw-image.js";
import { extractCorpus } from "./corpora.js";

/**
 * The gate hands buf only the files whose bytes changed plus their imports. On every real
 * googleapis change, buf must report exactly what it reports for the whole images.
 */
describe("buf breaking over the changed files equals buf breaking over the whole images", () => {
  const root = join(extractCorpus("googleapis-history.tar.gz"), "googleapis-history");
  const cases = readdirSync(root).filter((d) => /^[0-9a-f]{10}$/.test(d));
  const key = (f: BufFinding) =>
    `${f.type} ${f.path}:${f.start_line}:${f.start_column} ${f.message}`;

  for (const c of cases) {
    it(c, async () => {
      const cwd = join(root, c);
      const [prev, cur] = await Promise.all([
        loadDirectory("before", { cwd }),
        loadDirectory("after", { cwd }),
      ]);
      const set = comparisonSet(prev.image, cur.image, changedFiles(prev.image, cur.image));
      expect(set.size).toBeLessThan(cur.image.files.size + prev.image.files.size);
      const whole = (img: typeof prev.image) => subsetImage(img, new Set(img.order));
      const use = [...policyFor("strict").bufUse, "PACKAGE", "WIRE_JSON"];
      const [all, part] = await Promise.all([
        runBufBreaking(whole(cur.image), whole(prev.image), use),
        runBufBreaking(subsetImage(cur.image, set), subsetImage(prev.image, set), use),
      ]);
      expect(part.map(key).sort()).toEqual(all.map(key).sort());
      expect(readRawImage(whole(cur.image)).order).toEqual(cur.image.order);
    });
  }
});
