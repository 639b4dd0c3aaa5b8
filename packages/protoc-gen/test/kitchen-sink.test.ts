import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { CodeGeneratorRequest } from "@bufbuild/protobuf/wkt";
import {
  type EventDefinition,
  type GrpcServiceTable,
  type MessageType,
  validate,
} from "@contractkit/core";
import { protocGenContractKit } from "@contractkit/protoc-gen";
import { compileToRequest, runTsProto, writeResponseFiles } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readProtoFixture } from "./generate-helpers.js";
import { linkNodeModules, typeCheck } from "./type-check.js";

/**
 * The kitchen sink: a contract with every proto feature, generated with ts-proto and
 * the plugin into a temp dir, type-checked under strict + exactOptionalPropertyTypes,
 * then loaded to check that the zod schemas accept what ts-proto decodes.
 */

let dir: string;
let request: CodeGeneratorRequest;
let written: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ck-kitchen-sink-"));
  await writeFile(join(dir, "package.json"), '{ "type": "module" }\n');
  await linkNodeModules(dir);
  request = await compileToRequest(await readProtoFixture("kitchen-sink"));
  written = [
    ...(await writeResponseFiles(await runTsProto(request), dir)),
    ...(await writeResponseFiles(protocGenContractKit.run(request), dir)),
  ];
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("kitchen sink", () => {
  it("writes a contract module per user file, none for imported option or Google files", () => {
    const contracts = written.filter((f) => f.endsWith(".contract.ts")).sort();
    expect(contracts).toEqual([
      "acme/common/v1/common.contract.ts",
      "acme/legacy/v1/legacy.contract.ts",
      "acme/shop/v1/shop.contract.ts",
    ]);
    expect(written).toContain("contractkit.manifest.json");
  });

  it("type-checks with tsc --strict and exactOptionalPropertyTypes", () => {
    const files = written.filter((f) => f.endsWith(".ts")).map((f) => join(dir, f));
    expect(typeCheck(dir, files)).toEqual([]);
  });

  it("the schema is typed as ts-proto's interface: a wrong schema does not type-check", async () => {
    // Guard against a vacuous type check: a schema that disagrees with ts-proto's shape fails.
    const bad = join(dir, "acme/shop/v1/bad.contract.ts");
    await writeFile(
      bad,
      'import { z } from "zod";\nimport type { OrderCreated } from "./shop.js";\n' +
        "export const S: z.ZodType<OrderCreated> = z.object({ orderId: z.number(), region: z.int32(), shard: z.int32(), payload: z.undefined(), email: z.string() });\n",
    );
    const errors = typeCheck(dir, [bad]);
    await rm(bad);
    expect(errors.join("\n")).toMatch(/bad\.contract\.ts:3:\d+: .*orderId/s);
  });

  describe("runtime", () => {
    type Shop = Record<string, unknown> & {
      Everything: {
        fromPartial(v: object): unknown;
        encode(v: unknown): { finish(): Uint8Array };
        decode(b: Uint8Array): Record<string, unknown>;
      };
    };
    type Contract = Record<string, unknown> & {
      EverythingType: MessageType<Record<string, unknown>>;
      OrderCreatedEvent: EventDefinition<Record<string, unknown>, "region" | "shard" | "orderId">;
      ShopServiceGrpc: GrpcServiceTable;
    };
    let shop: Shop;
    let contract: Contract;

    beforeAll(async () => {
      shop = (await import(pathToFileURL(join(dir, "acme/shop/v1/shop.ts")).href)) as Shop;
      contract = (await import(
        pathToFileURL(join(dir, "acme/shop/v1/shop.contract.ts")).href
      )) as Contract;
    });

    const full = () => ({
      fDouble: Number.NaN,
      fFloat: Number.POSITIVE_INFINITY,
      fInt32: -5,
      fInt64: "-9007199254740993",
      fUint64: "18446744073709551615",
      fBytes: Buffer.from([1, 2, 3]),
      colour: 2,
      inner: { label: "in", deeper: { inners: [{ label: "deep" }] } },
      price: { currency: "EUR", amountMinor: "1999" },
      tags: ["a", "b"],
      counters: ["1", "-2"],
      inners: [{ label: "x" }],
      colours: [1, 2],
      blobs: [Buffer.from("x")],
      labels: { k: "v" },
      byInt: { 7: { label: "seven" } },
      byLong: { "-12": "minus twelve" },
      byBool: new Map([[true, "5"]]),
      byUlong: { "99": { currency: "USD", amountMinor: "1" } },
      colourByName: { red: 1 },
      bytesByName: { b: Buffer.from("y") },
      whenByInt: { 1: new Date("2026-01-02T03:04:05.678Z") },
      choice: { $case: "choiceTime", choiceTime: new Date("2026-01-01T00:00:00Z") },
      otherChoice: { $case: "money", money: { currency: "EUR", amountMinor: "5" } },
      optString: "",
      optInt64: "0",
      optColour: 1,
      createdAt: new Date("2026-03-04T05:06:07Z"),
      ttl: { seconds: "30", nanos: 5 },
      attributes: { a: 1, b: [true, null, "x"], c: { d: "e" } },
      anyValue: "text",
      listValue: [1, "two"],
      wString: "w",
      wInt64: "64",
      wBool: false,
      wBytes: Buffer.from("z"),
      any: { typeUrl: "type.googleapis.com/acme.common.v1.Money", value: Buffer.from([]) },
      empty: {},
      mask: ["a.b", "c"],
      times: [new Date(0)],
      wStrings: ["p", "q"],
      secret: "s3cret",
    });

    it("accepts every field kind after an encode/decode round trip", () => {
      const bytes = shop.Everything.encode(shop.Everything.fromPartial(full())).finish();
      const decoded = contract.EverythingType.codec.decode(bytes);
      expect(decoded.byBool).toBeInstanceOf(Map);
      expect(decoded.choice).toEqual({
        $case: "choiceTime",
        choiceTime: new Date("2026-01-01T00:00:00Z"),
      });
      expect(validate(contract.EverythingType, decoded)).toEqual([]);
    });

    it("accepts a decoded default message (every key present, messages undefined)", () => {
      const decoded = contract.EverythingType.codec.decode(new Uint8Array());
      expect(validate(contract.EverythingType, decoded)).toEqual([]);
    });

    it("accepts unknown enum numbers and UNRECOGNIZED, and skips unknown fields", () => {
      const bytes = shop.Everything.encode(
        shop.Everything.fromPartial({ colour: 77, colours: [-1, 42] }),
      ).finish();
      // Field 999 (varint 5) that this version of the contract does not know.
      const withUnknown = new Uint8Array([...bytes, 0xb8, 0x3e, 0x05]);
      const decoded = contract.EverythingType.codec.decode(withUnknown);
      expect(decoded.colour).toBe(77);
      expect(decoded.colours).toEqual([-1, 42]);
      expect(validate(contract.EverythingType, decoded)).toEqual([]);
    });

    it("rejects values of the wrong kind, naming the path", () => {
      const decoded = contract.EverythingType.codec.decode(new Uint8Array());
      const bad = {
        ...decoded,
        fInt64: 5,
        fUint32: -1,
        colour: 1.5,
        byBool: { true: "x" },
        choice: { $case: "choiceText", choiceText: 3 },
        optString: null,
        inner: { label: 1, parent: undefined, deeper: undefined },
      };
      const paths = validate(contract.EverythingType, bad).map((v) => v.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          "fInt64",
          "fUint32",
          "colour",
          "byBool",
          "choice.choiceText",
          "optString",
          "inner.label",
        ]),
      );
    });

    it("proto2: optional fields may be absent, required ones may not", async () => {
      const legacy = (await import(
        pathToFileURL(join(dir, "acme/legacy/v1/legacy.contract.ts")).href
      )) as {
        LegacyRecordType: MessageType<Record<string, unknown>>;
      };
      const type = legacy.LegacyRecordType;
      const decoded = type.codec.decode(new Uint8Array());
      expect(decoded.note).toBe("none");
      expect(validate(type, decoded)).toEqual([]);
      expect(validate(type, { ...decoded, note: undefined, version: undefined })).toEqual([]);
      expect(validate(type, { ...decoded, id: undefined }).map((v) => v.path)).toEqual(["id"]);
    });

    it("builds event subjects from the tokens (enum name, integer, string)", () => {
      const event = contract.OrderCreatedEvent;
      expect(event.stream).toBe("SHOP");
      expect(event.sensitiveFields).toEqual(["payload.secret", "email"]);
      const msg = { orderId: "o-1", region: 2, shard: 7, payload: undefined, email: "x@y" };
      expect(event.subject(msg)).toBe("acme.shop.REGION_US.7.o-1.created");
      expect(event.subjectFor({ region: 1 })).toBe("acme.shop.REGION_EU.*.*.created");
    });

    it("embeds the FileDescriptorSet of the service file and its imports", async () => {
      const { fromBinary } = await import("@bufbuild/protobuf");
      const { FileDescriptorSetSchema } = await import("@bufbuild/protobuf/wkt");
      const set = fromBinary(FileDescriptorSetSchema, contract.ShopServiceGrpc.fileDescriptorSet());
      const names = set.file.map((f) => f.name);
      expect(names.at(-1)).toBe("acme/shop/v1/shop.proto");
      expect(names).toEqual(expect.arrayContaining(["acme/common/v1/common.proto"]));
      // The annotations carry no types: left out, with descriptor.proto that only they need.
      expect(names).not.toContain("contractkit/v1/options.proto");
      expect(names).not.toContain("google/protobuf/descriptor.proto");
      // Self-contained: every import of every file is in the set.
      for (const f of set.file) for (const dep of f.dependency) expect(names).toContain(dep);
      expect(set.file.every((f) => f.sourceCodeInfo === undefined)).toBe(true);
      expect(Object.keys(contract.ShopServiceGrpc.methods)).toEqual([
        "unary",
        "serverStream",
        "clientStream",
        "bidi",
      ]);
      expect(contract.ShopServiceGrpc.methods.bidi?.kind).toBe("bidi_streaming");
    });
  });

  it("writes a manifest that names the streams' subjects with wildcards", async () => {
    const manifest = JSON.parse(await readFile(join(dir, "contractkit.manifest.json"), "utf8"));
    expect(manifest.streams).toEqual([
      {
        name: "SHOP",
        subjects: ["acme.shop.*.*.*.created"],
        events: ["acme.shop.v1.OrderCreated"],
      },
    ]);
    expect(manifest.events[0].consumers).toEqual(["acme.shop.v1.StockService"]);
    expect(manifest.sensitive).toEqual([
      { message: "acme.shop.v1.Everything", fields: ["secret"] },
      { message: "acme.shop.v1.OrderCreated", fields: ["email"] },
    ]);
  });
});
