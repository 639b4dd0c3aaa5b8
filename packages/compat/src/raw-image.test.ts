import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { changedFiles, comparisonSet, readRawImage, subsetImage } from "./raw-image.js";

function image(files: { name: string; deps?: string[]; pkg?: string }[]): Uint8Array {
  return toBinary(
    FileDescriptorSetSchema,
    create(FileDescriptorSetSchema, {
      file: files.map((f) =>
        create(FileDescriptorProtoSchema, {
          name: f.name,
          dependency: f.deps ?? [],
          package: f.pkg ?? "p",
        }),
      ),
    }),
  );
}

describe("raw images", () => {
  const prev = readRawImage(
    image([
      { name: "base.proto" },
      { name: "a.proto", deps: ["base.proto"] },
      { name: "b.proto" },
      { name: "gone.proto" },
    ]),
  );
  const cur = readRawImage(
    image([
      { name: "base.proto" },
      { name: "a.proto", deps: ["base.proto"], pkg: "q" },
      { name: "b.proto" },
      { name: "new.proto", deps: ["b.proto"] },
    ]),
  );

  it("reads names and imports without decoding", () => {
    expect(prev.order).toEqual(["base.proto", "a.proto", "b.proto", "gone.proto"]);
    expect(prev.files.get("a.proto")?.dependencies).toEqual(["base.proto"]);
  });

  it("finds files that were changed, added or removed", () => {
    expect([...changedFiles(prev, cur)].sort()).toEqual(["a.proto", "gone.proto", "new.proto"]);
  });

  it("adds what either side imports from them", () => {
    const set = comparisonSet(prev, cur, changedFiles(prev, cur));
    expect([...set].sort()).toEqual([
      "a.proto",
      "b.proto",
      "base.proto",
      "gone.proto",
      "new.proto",
    ]);
  });

  it("writes a smaller image that reads back with the same bytes per file", () => {
    const subset = readRawImage(subsetImage(cur, new Set(["a.proto", "base.proto"])));
    expect(subset.order).toEqual(["base.proto", "a.proto"]);
    expect(subset.files.get("a.proto")?.bytes).toEqual(cur.files.get("a.proto")?.bytes);
  });

  it("rejects bytes that are not an image", () => {
    expect(() => readRawImage(new TextEncoder().encode("not an image at all"))).toThrow(
      /not a buf image/,
    );
  });
});
