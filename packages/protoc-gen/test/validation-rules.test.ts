import { create } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { formatPath, tsProtoPath, validate } from "@contractkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type Compiled, compileProto, toProtobufEs } from "./validation-harness.js";

const PROTO = `
enum Status { STATUS_UNSPECIFIED = 0; STATUS_ACTIVE = 1; STATUS_CLOSED = 2; }
message Str {
  string name = 1 [(buf.validate.field).string = { min_len: 2, max_len: 4 }];
  string code = 2 [(buf.validate.field).string.len = 3];
  string sku = 3 [(buf.validate.field).string.pattern = "^[A-Z]{2}-\\\\d+$"];
  string email = 4 [(buf.validate.field).string.email = true];
  string id = 5 [(buf.validate.field).string.uuid = true];
  string site = 6 [(buf.validate.field).string.uri = true];
  string host = 7 [(buf.validate.field).string.hostname = true];
  string ip = 8 [(buf.validate.field).string.ip = true];
  string tag = 9 [(buf.validate.field).string = { prefix: "t-", suffix: "!", contains: "x" }];
  string color = 10 [(buf.validate.field).string = { in: ["red", "blue"] }];
  string word = 11 [(buf.validate.field).string = { not_in: ["admin"], const: "" }];
  optional string nick = 12 [(buf.validate.field).string.min_len = 3];
  string note = 13 [(buf.validate.field).string.max_len = 5, (buf.validate.field).ignore = IGNORE_IF_ZERO_VALUE];
}
message Num {
  int32 qty = 1 [(buf.validate.field).int32 = { gt: 0, lte: 100 }];
  int64 big = 2 [(buf.validate.field).int64 = { gte: 9007199254740993 }];
  uint64 small = 3 [(buf.validate.field).uint64 = { lt: 18446744073709551615 }];
  double ratio = 4 [(buf.validate.field).double = { gte: 0, lt: 1 }];
  int32 odd = 5 [(buf.validate.field).int32 = { in: [1, 3, 5] }];
  int32 outside = 6 [(buf.validate.field).int32 = { lt: 0, gt: 10 }];
  float f = 7 [(buf.validate.field).float.finite = true];
  sint64 neg = 8 [(buf.validate.field).sint64 = { lt: 0, not_in: [-1] }];
  bool yes = 9 [(buf.validate.field).bool.const = true];
  bytes blob = 10 [(buf.validate.field).bytes = { min_len: 2, max_len: 3, prefix: "\\x01" }];
}
message Req {
  string id = 1 [(buf.validate.field).required = true];
  Str str = 2 [(buf.validate.field).required = true];
  optional int32 opt = 3 [(buf.validate.field).required = true];
  repeated string tags = 4 [(buf.validate.field).repeated = { min_items: 1, max_items: 2, unique: true, items: { string: { min_len: 2 } } }];
  map<string, int32> counts = 5 [(buf.validate.field).map = { min_pairs: 1, keys: { string: { max_len: 3 } }, values: { int32: { gt: 0 } } }];
  Status status = 6 [(buf.validate.field).enum.defined_only = true];
  Status open = 7 [(buf.validate.field).enum = { in: [1], not_in: [2] }];
  Status any = 8;
  Status must = 9 [(buf.validate.field).required = true];
  oneof contact {
    option (buf.validate.oneof).required = true;
    string phone = 10 [(buf.validate.field).string.min_len = 5];
    string mail = 11 [(buf.validate.field).string.email = true];
  }
  repeated Str items = 12;
  string skipped = 13 [(buf.validate.field).string.min_len = 50, (buf.validate.field).ignore = IGNORE_ALWAYS];
}
message Pick {
  option (buf.validate.message).oneof = { fields: ["a", "b"], required: true };
  string a = 1;
  optional int32 b = 2;
}
`;

let c: Compiled;
beforeAll(async () => {
  c = await compileProto(PROTO);
});

const str = (over: Record<string, unknown> = {}) => ({
  name: "abc",
  code: "xyz",
  sku: "AB-12",
  email: "a@b.co",
  id: "123e4567-e89b-12d3-a456-426614174000",
  site: "https://example.com/a?b#c",
  host: "api.example.com",
  ip: "10.0.0.1",
  tag: "t-x!",
  color: "red",
  word: "",
  nick: undefined,
  note: "",
  ...over,
});
const num = (over: Record<string, unknown> = {}) => ({
  qty: 1,
  big: "9007199254740993",
  small: "18446744073709551614",
  ratio: 0.5,
  odd: 3,
  outside: 11,
  f: 1.5,
  neg: "-2",
  yes: true,
  blob: new Uint8Array([1, 2]),
  ...over,
});
const req = (over: Record<string, unknown> = {}) => ({
  id: "r-1",
  str: str(),
  opt: 0,
  tags: ["aa"],
  counts: { ab: 1 },
  status: 1,
  open: 1,
  any: 0,
  must: 1,
  contact: { $case: "phone", phone: "12345" },
  items: [],
  skipped: "",
  ...over,
});
const v = (name: string, value: unknown) => validate(c.schema(name), value);
/**
 * The violations as [path, rule, message]; each call also checks parity with
 * protovalidate itself on the same value (same rules, paths and messages, any order).
 */
const one = (name: string, value: Record<string, unknown>) => {
  const ours = v(name, value).map((x) => [x.path, x.rule, x.message]);
  const desc = c.message(name);
  const res = createValidator({ registry: c.registry }).validate(
    desc,
    create(desc, toProtobufEs(desc, value) as never),
  );
  const theirs = (res.violations ?? []).map((x) => [
    formatPath(tsProtoPath(x.field)),
    x.ruleId,
    x.message,
  ]);
  expect([...ours].sort()).toEqual([...theirs].sort());
  return ours;
};

describe("string rules", () => {
  it("accepts a valid value", () => {
    expect(one("Str", str())).toEqual([]);
  });
  it("counts length in code points, not UTF-16 units", () => {
    expect(one("Str", str({ name: "😀😀😀", code: "é😀a" }))).toEqual([]);
    expect(one("Str", str({ name: "a", code: "ab" }))).toEqual([
      ["name", "string.min_len", "must be at least 2 characters"],
      ["code", "string.len", "must be 3 characters"],
    ]);
    expect(one("Str", str({ name: "abcde" }))).toEqual([
      ["name", "string.max_len", "must be at most 4 characters"],
    ]);
  });
  it("checks pattern, formats, affixes, in/not_in and const", () => {
    expect(
      one(
        "Str",
        str({
          sku: "ab-12",
          email: "not-an-email",
          id: "123",
          site: "/relative",
          host: "-bad-.com",
          ip: "300.1.1.1",
          tag: "x",
          color: "green",
          word: "admin",
        }),
      ),
    ).toEqual([
      ["sku", "string.pattern", "does not match regex pattern `^[A-Z]{2}-\\d+$`"],
      ["email", "string.email", "must be a valid email address"],
      ["id", "string.uuid", "must be a valid UUID"],
      ["site", "string.uri", "must be a valid URI"],
      ["host", "string.hostname", "must be a valid hostname"],
      ["ip", "string.ip", "must be a valid IP address"],
      ["tag", "string.prefix", "does not have prefix `t-`"],
      ["tag", "string.suffix", "does not have suffix `!`"],
      ["color", "string.in", "must be in list [red, blue]"],
      ["word", "string.const", "must equal ``"],
      ["word", "string.not_in", "must not be in list [admin]"],
    ]);
  });
  it("reports empty well-known formats with the _empty rule, and never echoes the value", () => {
    const out = v("Str", str({ email: "", ip: "secret-value" }));
    expect(out.map((x) => [x.path, x.rule, x.message])).toEqual([
      ["email", "string.email_empty", "value is empty, which is not a valid email address"],
      ["ip", "string.ip", "must be a valid IP address"],
    ]);
    expect(JSON.stringify(out)).not.toContain("secret-value");
  });
  it("skips unset optional fields and zero values under IGNORE_IF_ZERO_VALUE", () => {
    expect(one("Str", str({ nick: undefined, note: "" }))).toEqual([]);
    expect(one("Str", str({ nick: "ab", note: "toolong" }))).toEqual([
      ["nick", "string.min_len", "must be at least 3 characters"],
      ["note", "string.max_len", "must be at most 5 characters"],
    ]);
  });
});

describe("numeric, bool and bytes rules", () => {
  it("accepts a valid value", () => {
    expect(one("Num", num())).toEqual([]);
  });
  it("checks ranges, with 64-bit bounds compared exactly as BigInt", () => {
    expect(
      one(
        "Num",
        num({
          qty: 0,
          big: "9007199254740992",
          small: "18446744073709551615",
          ratio: 1,
          odd: 2,
          outside: 5,
        }),
      ),
    ).toEqual([
      ["qty", "int32.gt_lte", "must be greater than 0 and less than or equal to 100"],
      ["big", "int64.gte", "must be greater than or equal to 9007199254740993"],
      ["small", "uint64.lt", "must be less than 18446744073709551615"],
      ["ratio", "double.gte_lt", "must be greater than or equal to 0 and less than 1"],
      ["odd", "int32.in", "must be in list [1, 3, 5]"],
      ["outside", "int32.gt_lt_exclusive", "must be greater than 10 or less than 0"],
    ]);
  });
  it("checks finite, not_in, bool const and bytes length/prefix", () => {
    expect(
      one(
        "Num",
        num({ f: Number.POSITIVE_INFINITY, neg: "-1", yes: false, blob: new Uint8Array([2]) }),
      ),
    ).toEqual([
      ["f", "float.finite", "must be finite"],
      ["neg", "sint64.not_in", "must not be in list [-1]"],
      ["yes", "bool.const", "must equal true"],
      ["blob", "bytes.min_len", "must be at least 2 bytes"],
      ["blob", "bytes.prefix", "does not have prefix 01"],
    ]);
    expect(one("Num", num({ ratio: Number.NaN }))).toEqual([
      ["ratio", "double.gte_lt", "must be greater than or equal to 0 and less than 1"],
    ]);
  });
});

describe("required, repeated, map, enum and oneof rules", () => {
  it("accepts a valid value, unknown enum numbers without defined_only, and unknown fields", () => {
    expect(one("Req", req({ any: 99, extra: "unknown field" }))).toEqual([]);
  });
  it("reports required fields: presence for messages and optional, non-zero for implicit scalars", () => {
    const value = req({ id: "", str: undefined, opt: undefined, must: 0, contact: undefined });
    expect(one("Req", value)).toEqual([
      ["id", "required", "value is required"],
      ["must", "required", "value is required"],
      ["str", "required", "value is required"],
      ["opt", "required", "value is required"],
      ["contact", "required", "exactly one field is required in oneof"],
    ]);
  });
  it("checks repeated min/max items, unique and item rules with the item's index", () => {
    expect(one("Req", req({ tags: [] }))).toEqual([
      ["tags", "repeated.min_items", "must contain at least 1 item(s)"],
    ]);
    expect(one("Req", req({ tags: ["aa", "aa", "b"] }))).toEqual([
      ["tags", "repeated.max_items", "must contain no more than 2 item(s)"],
      ["tags", "repeated.unique", "repeated value must contain unique items"],
      ["tags[2]", "string.min_len", "must be at least 2 characters"],
    ]);
  });
  it("checks map pairs, keys and values", () => {
    expect(one("Req", req({ counts: {} }))).toEqual([
      ["counts", "map.min_pairs", "map must be at least 1 entries"],
    ]);
    expect(one("Req", req({ counts: { long: 0 } }))).toEqual([
      ["counts.long", "string.max_len", "must be at most 3 characters"],
      ["counts.long", "int32.gt", "must be greater than 0"],
    ]);
  });
  it("checks enum defined_only, in and not_in", () => {
    expect(one("Req", req({ status: 7, open: 2 }))).toEqual([
      ["status", "enum.defined_only", "value must be one of the defined enum values"],
      ["open", "enum.in", "must be in list [1]"],
      ["open", "enum.not_in", "must not be in list [2]"],
    ]);
  });
  it("checks oneof member rules under the oneof's property, and nested messages", () => {
    expect(
      one("Req", req({ contact: { $case: "mail", mail: "nope" }, items: [str({ name: "" })] })),
    ).toEqual([
      ["items[0].name", "string.min_len", "must be at least 2 characters"],
      ["contact.mail", "string.email", "must be a valid email address"],
    ]);
  });
  it("never emits rules for IGNORE_ALWAYS", () => {
    expect(c.code("Req")).not.toContain('minLen":50');
  });
  it("checks (buf.validate.message).oneof", () => {
    expect(one("Pick", { a: "x", b: undefined })).toEqual([]);
    expect(one("Pick", { a: "", b: 0 })).toEqual([]);
    expect(one("Pick", { a: "x", b: 1 })).toEqual([
      ["", "message.oneof", "only one of a, b can be set"],
    ]);
    expect(one("Pick", { a: "", b: undefined })).toEqual([
      ["", "message.oneof", "one of a, b must be set"],
    ]);
  });
});
