import { create, type DescMessage, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { celRules, type MessageType, validate } from "@contractkit/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  compileExtraRules,
  compileFieldRules,
  RuleCompileError,
  runtimeRules,
} from "../src/validation/index.js";
import { type Compiled, compileProto } from "./validation-harness.js";

const PROTO = `
import "google/protobuf/timestamp.proto";
message Window {
  option (buf.validate.message).cel = { id: "window.order", message: "start must be before end", expression: "this.start < this.end" };
  int32 start = 1;
  int32 end = 2 [(buf.validate.field).int32.lt = 1000];
}
message Booking {
  string guest_name = 1 [(buf.validate.field).cel = { id: "guest.trimmed", message: "must not have surrounding spaces", expression: "this == this.trim()" }];
  Window window = 2;
  oneof pay {
    string card_token = 3 [(buf.validate.field).cel = { id: "card.prefix", expression: "this.startsWith('tok_') ? '' : 'must be a token'" }];
    string voucher = 4;
  }
  google.protobuf.Timestamp at = 5 [(buf.validate.field).timestamp.gt = { seconds: 0 }];
  string code = 6 [(buf.validate.field).string.pattern = "^x(?i:ab)$"];
}
message Plain {
  string name = 1 [(buf.validate.field).string.min_len = 1];
}
message Rare {
  string server = 1 [(buf.validate.field).string.host_and_port = true];
}
`;

let c: Compiled;
beforeAll(async () => {
  c = await compileProto(PROTO);
});

interface Booking {
  guestName: string;
  window?: { start: number; end: number } | undefined;
  pay?:
    | { $case: "cardToken"; cardToken: string }
    | { $case: "voucher"; voucher: string }
    | undefined;
  at?: Date | undefined;
  code: string;
}

/** Stands in for ts-proto's `Booking.encode(m).finish()`: the ts-proto shape on the wire. */
function encodeBooking(desc: DescMessage) {
  return (m: Booking) =>
    toBinary(
      desc,
      create(desc, {
        guestName: m.guestName,
        window: m.window,
        pay: m.pay
          ? {
              case: m.pay.$case,
              value: m.pay.$case === "cardToken" ? m.pay.cardToken : m.pay.voucher,
            }
          : undefined,
        at: m.at ? timestampFromDate(m.at) : undefined,
        code: m.code,
      } as never),
    );
}

function bookingType(): MessageType<Booking> {
  const desc = c.message("Booking");
  const compiled = compileExtraRules(desc, { descriptors: "descriptors", encode: "encode" });
  expect(compiled.suffix).toMatch(/^celRules\(\{ typeName: "test\.v1\.Booking"/);
  const extraRules = new Function(
    "celRules",
    "descriptors",
    "encode",
    `return ${compiled.suffix};`,
  )(celRules, c.image, encodeBooking(desc)) as (v: Booking) => ReturnType<typeof validate>;
  return {
    typeName: desc.typeName,
    codec: undefined as never,
    schema: c.schema("Booking") as never,
    extraRules,
    sensitiveFields: [],
  };
}

const ok: Booking = {
  guestName: "Ada",
  window: { start: 1, end: 2 },
  pay: { $case: "cardToken", cardToken: "tok_1" },
  at: new Date(1_700_000_000_000),
  code: "xAb",
};

describe("CEL rules through protovalidate", () => {
  it("emits extraRules only for messages that have CEL rules, themselves or in a contained message", () => {
    expect(compileExtraRules(c.message("Plain"), { descriptors: "d", encode: "e" }).suffix).toBe(
      "",
    );
    expect(runtimeRules(c.message("Plain")).needed).toBe(false);
    expect(runtimeRules(c.message("Window")).needed).toBe(true);
    expect(runtimeRules(c.message("Booking"))).toEqual({
      needed: true,
      delegate: ["string.pattern", "timestamp."],
    });
    expect(runtimeRules(c.message("Rare")).delegate).toEqual([
      "string.host_and_port",
      "string.host_and_port_empty",
    ]);
  });

  it("accepts a valid message", () => {
    expect(validate(bookingType(), ok)).toEqual([]);
  });

  it("reports field-level, oneof member and nested message-level CEL violations with ts-proto paths", () => {
    const out = validate(bookingType(), {
      ...ok,
      guestName: " Ada ",
      window: { start: 5, end: 3 },
      pay: { $case: "cardToken", cardToken: "4111" },
    });
    expect(out).toEqual([
      { path: "guestName", rule: "guest.trimmed", message: "must not have surrounding spaces" },
      { path: "window", rule: "window.order", message: "start must be before end" },
      { path: "pay.cardToken", rule: "card.prefix", message: "must be a token" },
    ]);
  });

  it("reports zod's standard violations and CEL violations together, without duplicates", () => {
    const out = validate(bookingType(), { ...ok, window: { start: 2000, end: 1000 } });
    expect(out).toEqual([
      { path: "window.end", rule: "int32.lt", message: "must be less than 1000" },
      { path: "window", rule: "window.order", message: "start must be before end" },
    ]);
  });

  it("leaves delegated standard rules (timestamp, untranslatable RE2 patterns) to protovalidate", () => {
    const out = validate(bookingType(), { ...ok, at: new Date(-1000), code: "XAB" });
    expect(out).toEqual([
      { path: "at", rule: "timestamp.gt", message: "must be greater than 1970-01-01T00:00:00Z" },
      {
        path: "code",
        rule: "string.pattern",
        message: "does not match regex pattern `^x(?i:ab)$`",
      },
    ]);
  });

  it("fails generation for a pattern that is not RE2, naming the field", async () => {
    const bad = await compileProto(
      `message Bad { string code = 1 [(buf.validate.field).string.pattern = "a(?=b)"]; }`,
    );
    const field = bad.message("Bad").fields[0];
    if (!field) throw new Error("no field");
    expect(() => compileFieldRules(field)).toThrow(RuleCompileError);
    expect(() => compileFieldRules(field)).toThrow(
      /test\.v1\.Bad\.code: string\.pattern is not valid RE2: lookaround/,
    );
  });
});
