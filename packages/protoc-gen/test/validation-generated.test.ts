import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  buildImage,
  createCodeGeneratorRequest,
  materializeValidateProto,
  openProtoInput,
} from "@contractkit/compat/internal";
import { type MessageType, validate } from "@contractkit/core";
import { createContractKitPlugin } from "@contractkit/protoc-gen";
import { runTsProto, writeResponseFiles } from "@contractkit/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { validationHooks } from "../src/validation/index.js";
import { linkNodeModules, typeCheck } from "./type-check.js";

/**
 * End to end: the plugin with the rules compiler, next to ts-proto's output, type-checked
 * strictly, then loaded: values decoded by ts-proto are validated by the generated
 * schemas and, for messages with CEL rules only, by protovalidate.
 */
const PROTO = `syntax = "proto3";
package shop.v1;
import "buf/validate/validate.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Status { STATUS_UNSPECIFIED = 0; STATUS_OPEN = 1; }

message Line {
  string sku = 1 [(buf.validate.field).string.pattern = "^[A-Z]{3}-\\\\d{3}$"];
  int32 quantity = 2 [(buf.validate.field).int32.gt = 0];
}

message Order {
  option (buf.validate.message).cel = { id: "order.lines", message: "an express order has at most 3 lines", expression: "!this.express || size(this.lines) <= 3" };
  string id = 1 [(buf.validate.field).string.uuid = true];
  string email = 2 [(buf.validate.field).string.email = true];
  repeated Line lines = 3 [(buf.validate.field).repeated.min_items = 1];
  int64 total_cents = 4 [(buf.validate.field).int64.gte = 0];
  Status status = 5;
  Status strict_status = 6 [(buf.validate.field).enum.defined_only = true];
  bool express = 7;
  google.protobuf.Timestamp placed_at = 8 [(buf.validate.field).required = true];
  map<string, string> labels = 9 [(buf.validate.field).map.max_pairs = 2];
}

message Kinds {
  optional string nick = 1 [(buf.validate.field).string.min_len = 2];
  oneof choice {
    Line line = 2;
    string text = 3 [(buf.validate.field).string.max_len = 3];
    google.protobuf.Int32Value boxed = 4 [(buf.validate.field).int32.gt = 0];
  }
  map<int32, Line> by_id = 5;
  map<bool, string> flags = 6;
  bytes blob = 7 [(buf.validate.field).bytes.max_len = 4];
  repeated Status statuses = 8 [(buf.validate.field).repeated.items.enum.defined_only = true];
  uint64 big = 9 [(buf.validate.field).uint64.lte = 18446744073709551615];
  double ratio = 10 [(buf.validate.field).double.lt = 1];
  repeated google.protobuf.Timestamp times = 11;
  uint32 small = 12;
}
`;

type Codec = {
  fromPartial(v: object): Record<string, unknown>;
  encode(v: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): Record<string, unknown>;
};

let dir: string;
let written: string[];
let ts: { Order: Codec; Line: Codec };
let contract: {
  OrderType: MessageType<Record<string, unknown>>;
  LineType: MessageType<Record<string, unknown>>;
  KindsType: MessageType<Record<string, unknown>>;
};
let source: string;

beforeAll(async () => {
  const include = materializeValidateProto(mkdtempSync(join(tmpdir(), "ck-vgen-inc-")));
  const protos = mkdtempSync(join(tmpdir(), "ck-vgen-proto-"));
  mkdirSync(join(protos, "shop/v1"), { recursive: true });
  writeFileSync(join(protos, "shop/v1/shop.proto"), PROTO);
  const input = openProtoInput(protos, { includes: [include] });
  const { fds } = await buildImage(input).finally(() => input.dispose());
  const request = createCodeGeneratorRequest(fds.file, ["shop/v1/shop.proto"]);
  dir = mkdtempSync(join(tmpdir(), "ck-vgen-"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  await linkNodeModules(dir);
  written = [
    ...(await writeResponseFiles(await runTsProto(request), dir)),
    ...(await writeResponseFiles(createContractKitPlugin(validationHooks).run(request), dir)),
  ];
  ts = await import(pathToFileURL(join(dir, "shop/v1/shop.ts")).href);
  contract = await import(pathToFileURL(join(dir, "shop/v1/shop.contract.ts")).href);
  source = (await import("node:fs")).readFileSync(join(dir, "shop/v1/shop.contract.ts"), "utf8");
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const order = (over: Record<string, unknown> = {}) => ({
  id: "123e4567-e89b-12d3-a456-426614174000",
  email: "ada@example.com",
  lines: [{ sku: "ABC-123", quantity: 1 }],
  totalCents: "1999",
  status: 1,
  strictStatus: 1,
  express: false,
  placedAt: new Date(1_700_000_000_000),
  labels: {},
  ...over,
});

/** Through the wire: what a consumer sees after ts-proto decodes the bytes. */
const roundTrip = (v: object) => ts.Order.decode(ts.Order.encode(ts.Order.fromPartial(v)).finish());

describe("generated validation", () => {
  it("type-checks with tsc --strict and exactOptionalPropertyTypes", () => {
    const files = written.filter((f) => f.endsWith(".ts")).map((f) => join(dir, f));
    expect(typeCheck(dir, files)).toEqual([]);
  });

  it("gives extraRules only to messages with CEL rules", () => {
    expect(contract.OrderType.extraRules).toBeTypeOf("function");
    expect(contract.LineType.extraRules).toBeUndefined();
    expect(source).toContain("fieldRules(");
    expect(source).toContain("messageRules(");
  });

  it("accepts a valid decoded message", () => {
    expect(validate(contract.OrderType, roundTrip(order()))).toEqual([]);
  });

  it("reports standard and CEL violations of a decoded message", () => {
    const bad = roundTrip(
      order({
        id: "nope",
        email: "",
        lines: [{ sku: "abc", quantity: 0 }, ...Array(3).fill({ sku: "ABC-123", quantity: 1 })],
        totalCents: "-1",
        express: true,
        placedAt: undefined,
        labels: { a: "1", b: "2", c: "3" },
      }),
    );
    expect(validate(contract.OrderType, bad)).toEqual([
      { path: "id", rule: "string.uuid", message: "must be a valid UUID" },
      {
        path: "email",
        rule: "string.email_empty",
        message: "value is empty, which is not a valid email address",
      },
      {
        path: "lines[0].sku",
        rule: "string.pattern",
        message: "does not match regex pattern `^[A-Z]{3}-\\d{3}$`",
      },
      { path: "lines[0].quantity", rule: "int32.gt", message: "must be greater than 0" },
      { path: "totalCents", rule: "int64.gte", message: "must be greater than or equal to 0" },
      { path: "labels", rule: "map.max_pairs", message: "map must be at most 2 entries" },
      { path: "placedAt", rule: "required", message: "value is required" },
      { path: "", rule: "order.lines", message: "an express order has at most 3 lines" },
    ]);
  });

  it("passes unknown enum numbers (unless defined_only) and unknown fields from newer producers", () => {
    const bytes = ts.Order.encode(ts.Order.fromPartial(order())).finish();
    // Field 5 (status) = 42 and an unknown field 99 (varint 7), appended as a newer producer would.
    const extra = new Uint8Array([...bytes, 0x28, 42, 0x98, 0x06, 7]);
    const decoded = ts.Order.decode(extra);
    expect(decoded.status).toBe(42);
    expect(validate(contract.OrderType, decoded)).toEqual([]);
    const strict = ts.Order.decode(new Uint8Array([...bytes, 0x30, 42]));
    expect(validate(contract.OrderType, strict)).toEqual([
      {
        path: "strictStatus",
        rule: "enum.defined_only",
        message: "value must be one of the defined enum values",
      },
    ]);
  });

  it("accepts valid values on the fast path, without running zod", () => {
    const spy = vi.spyOn(contract.OrderType.schema, "safeParse");
    try {
      expect(validate(contract.OrderType, roundTrip(order()))).toEqual([]);
      expect(spy).not.toHaveBeenCalled();
      expect(validate(contract.OrderType, roundTrip(order({ email: "x" })))).toHaveLength(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect(source).toContain("withFastCheck(");
  });

  it("the fast path never accepts a value zod rejects (mutation sweep)", () => {
    const kinds = () => ({
      nick: "ab",
      choice: { $case: "line", line: { sku: "ABC-123", quantity: 1 } },
      byId: { 1: { sku: "ABC-123", quantity: 1 } },
      flags: new Map([[true, "x"]]),
      blob: new Uint8Array([1]),
      statuses: [0, 1],
      big: "18446744073709551615",
      ratio: 0.5,
      times: [new Date(0)],
      small: 1,
    });
    const wrong: unknown[] = [
      undefined,
      null,
      "",
      "x",
      "ABC-123",
      "12",
      "-3",
      0,
      1,
      -1,
      1.5,
      2 ** 31,
      2 ** 32,
      Number.NaN,
      true,
      [],
      [1],
      {},
      { a: 1 },
      new Date(0),
      new Date(Number.NaN),
      new Uint8Array(9),
      new Map(),
      new Map([["k", "v"]]),
      { $case: "text", text: "abcd" },
      { $case: "boxed", boxed: 0 },
      { $case: "boxed", boxed: undefined },
      { $case: "nope" },
      { sku: "abc", quantity: 0 },
    ];
    let checked = 0;
    const agree = (type: MessageType<Record<string, unknown>>, base: Record<string, unknown>) => {
      for (const key of [...Object.keys(base), "extraKey"]) {
        for (const w of wrong) {
          const v: Record<string, unknown> = { ...base, [key]: w };
          const zodOk =
            type.schema.safeParse(v).success && (type.extraRules?.(v) ?? []).length === 0;
          expect([key, w, validate(type, v).length === 0]).toEqual([key, w, zodOk]);
          const nested = (base.lines ?? undefined) as unknown[] | undefined;
          if (nested) {
            const n: Record<string, unknown> = {
              ...base,
              lines: [{ ...(nested[0] as object), [key === "lines" ? "sku" : "quantity"]: w }],
            };
            const nestedOk =
              type.schema.safeParse(n).success && (type.extraRules?.(n) ?? []).length === 0;
            expect(validate(type, n).length === 0).toBe(nestedOk);
          }
          checked++;
        }
      }
    };
    // Every message here has a fast path, and a valid value takes it.
    expect(source.match(/withFastCheck\(/g)).toHaveLength(3);
    const spy = vi.spyOn(contract.KindsType.schema, "safeParse");
    expect(validate(contract.KindsType, kinds())).toEqual([]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    agree(contract.KindsType, kinds());
    agree(contract.OrderType, order());
    expect(checked).toBeGreaterThan(500);
  });
});
