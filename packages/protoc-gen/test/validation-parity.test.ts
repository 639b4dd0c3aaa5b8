import { create } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import { formatPath, tsProtoPath, validate } from "@contractkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import { type Compiled, compileProto, toProtobufEs } from "./validation-harness.js";

// Every value below goes through the compiled zod rules and through protovalidate
// itself; the violations (path, rule id, message) must be the same.
const PROTO = `
enum Kind { KIND_UNSPECIFIED = 0; KIND_A = 1; KIND_B = 2; }
message Formats {
  string email = 1 [(buf.validate.field).string.email = true];
  string hostname = 2 [(buf.validate.field).string.hostname = true];
  string ip = 3 [(buf.validate.field).string.ip = true];
  string ipv4 = 4 [(buf.validate.field).string.ipv4 = true];
  string ipv6 = 5 [(buf.validate.field).string.ipv6 = true];
  string uri = 6 [(buf.validate.field).string.uri = true];
  string uri_ref = 7 [(buf.validate.field).string.uri_ref = true];
  string uuid = 8 [(buf.validate.field).string.uuid = true];
  string address = 9 [(buf.validate.field).string.address = true];
  string tuuid = 10 [(buf.validate.field).string.tuuid = true];
  string ulid = 11 [(buf.validate.field).string.ulid = true];
}
message Misc {
  string bytes_len = 1 [(buf.validate.field).string = { min_bytes: 2, max_bytes: 4 }];
  string exact = 2 [(buf.validate.field).string.const = "yes"];
  bytes blob = 3 [(buf.validate.field).bytes = { len: 2, suffix: "\\x02", contains: "\\x01", in: ["\\x01\\x02", "ab"] }];
  bytes not_blob = 4 [(buf.validate.field).bytes = { not_in: ["zz"] }];
  uint32 u = 5 [(buf.validate.field).uint32 = { gte: 10, lte: 5 }];
  fixed64 f64 = 6 [(buf.validate.field).fixed64 = { gt: 18446744073709551000 }];
  repeated Kind kinds = 7 [(buf.validate.field).repeated = { unique: true, items: { enum: { defined_only: true } } }];
  map<int32, string> by_id = 8 [(buf.validate.field).map = { max_pairs: 1, keys: { int32: { gt: 0 } }, values: { string: { min_len: 1 } } }];
  repeated string nonempty = 9 [(buf.validate.field).repeated.items = { string: { min_len: 2 }, ignore: IGNORE_IF_ZERO_VALUE }];
  repeated int64 must_have = 10 [(buf.validate.field).required = true];
  Kind kind = 11 [(buf.validate.field).enum.const = 2];
  optional bool flag = 12 [(buf.validate.field).bool.const = false];
  string regex = 13 [(buf.validate.field).string.pattern = "^(?i)[a-z]+\\\\s\\\\.x$"];
}
`;

let c: Compiled;
beforeAll(async () => {
  c = await compileProto(PROTO);
});

function parity(name: string, value: Record<string, unknown>): string[][] {
  const ours = validate(c.schema(name), value).map((x) => [x.path, x.rule, x.message]);
  const desc = c.message(name);
  const res = createValidator({ registry: c.registry }).validate(
    desc,
    create(desc, toProtobufEs(desc, value) as never),
  );
  expect(res.kind).not.toBe("error");
  const theirs = (res.violations ?? []).map((x) => [
    formatPath(tsProtoPath(x.field)),
    x.ruleId,
    x.message,
  ]);
  expect([...ours].sort()).toEqual([...theirs].sort());
  return ours;
}

const SAMPLES = [
  "",
  "a",
  "a@b",
  "a.b@c.d",
  "first.last+tag@example.co.uk",
  "@example.com",
  "a@-bad.com",
  "a@b..c",
  "a b@c.d",
  "example.com",
  "example.com.",
  "-example.com",
  "ex_ample.com",
  "123.com",
  "com.123",
  "localhost",
  "a".repeat(64),
  `${"a".repeat(63)}.com`,
  "127.0.0.1",
  "256.0.0.1",
  "01.2.3.4",
  "1.2.3",
  "::1",
  "::",
  "2001:db8::8a2e:370:7334",
  "2001:db8:0:0:0:0:2:1:5",
  "::ffff:192.168.1.1",
  "fe80::1%eth0",
  "fe80::1%",
  "1:2:3:4:5:6:7::",
  "https://example.com",
  "https://user:pw@example.com:8080/p/a/t/h?q=1&r=2#frag",
  "http://[::1]:80/",
  "http://[v1.fe]/",
  "mailto:a@b.c",
  "urn:isbn:0451450523",
  "//example.com/path",
  "/relative/path?x",
  "relative/path",
  "a:b",
  "1http://x",
  "http://exa mple.com",
  "http://example.com/%zz",
  "http://example.com/%41",
  "http://example.com:abc/",
  "?q",
  "#f",
  "123e4567-e89b-12d3-a456-426614174000",
  "123E4567-E89B-12D3-A456-426614174000",
  "123e4567e89b12d3a456426614174000",
  "01ARZ3NDEKTSV4RRFFQ69G5FAV",
  "81ARZ3NDEKTSV4RRFFQ69G5FAV",
];

describe("parity with protovalidate", () => {
  it("agrees on every well-known string format for a set of tricky samples", () => {
    const fields = [
      "email",
      "hostname",
      "ip",
      "ipv4",
      "ipv6",
      "uri",
      "uriRef",
      "uuid",
      "address",
      "tuuid",
      "ulid",
    ];
    let violations = 0;
    for (const s of SAMPLES) {
      violations += parity("Formats", Object.fromEntries(fields.map((f) => [f, s]))).length;
    }
    expect(violations).toBeGreaterThan(300);
  });

  const misc = (over: Record<string, unknown> = {}) => ({
    bytesLen: "ab",
    exact: "yes",
    blob: new Uint8Array([1, 2]),
    notBlob: new TextEncoder().encode("ok"),
    u: 11,
    f64: "18446744073709551615",
    kinds: [1, 2],
    byId: { 1: "x" },
    nonempty: ["", "ab"],
    mustHave: ["0"],
    kind: 2,
    flag: undefined,
    regex: "ABC .x",
    ...over,
  });

  it("accepts a valid value", () => {
    expect(parity("Misc", misc())).toEqual([]);
  });

  it("agrees on bytes, string byte lengths, exclusive ranges, 64-bit bounds, enums, maps and items", () => {
    const out = parity(
      "Misc",
      misc({
        bytesLen: "😀a",
        exact: "no",
        blob: new Uint8Array([3]),
        notBlob: new TextEncoder().encode("zz"),
        u: 7,
        f64: "18446744073709551000",
        kinds: [1, 1, 9],
        byId: { 0: "", 5: "y" },
        nonempty: ["", "a"],
        mustHave: [],
        kind: 1,
        flag: true,
        regex: "abc\u00a0.x",
      }),
    );
    expect(out.map((x) => x[1])).toEqual(
      expect.arrayContaining([
        "string.max_bytes",
        "bytes.len",
        "uint32.gte_lte_exclusive",
        "fixed64.gt",
        "required",
      ]),
    );
  });

  it("agrees on zero values: implicit scalars are checked, unset optional ones are not", () => {
    parity(
      "Misc",
      misc({
        bytesLen: "",
        exact: "",
        blob: new Uint8Array(),
        kinds: [],
        byId: {},
        nonempty: [],
        kind: 0,
      }),
    );
    parity("Misc", misc({ flag: false }));
  });
});
