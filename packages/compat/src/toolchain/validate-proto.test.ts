import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileRegistry, equals, type FileRegistry, getOption } from "@bufbuild/protobuf";
import type { FileDescriptorSet } from "@bufbuild/protobuf/wkt";
import {
  field as fieldExt,
  file_buf_validate_validate,
  message as messageExt,
  PredefinedRulesSchema,
  predefined,
  StringRulesSchema,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { describe, expect, it } from "vitest";
import { buildImage, runBuf } from "./build-image.js";
import { openProtoInput } from "./proto-input.js";
import {
  defaultValidateProtoDir,
  materializeValidateProto,
  printValidateProto,
} from "./validate-proto.js";

const USER_PROTO = `syntax = "proto3";
package shop.v1;
import "buf/validate/validate.proto";
message Customer {
  option (buf.validate.message).cel = { id: "name_or_email", expression: "this.name != '' || this.email != ''" };
  string name = 1 [(buf.validate.field).string = { min_len: 1, max_len: 80 }];
  string email = 2 [(buf.validate.field).string.email = true];
  int32 age = 3 [(buf.validate.field).int32 = { gte: 0, lt: 150 }];
}
`;

function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function registryOf(fds: FileDescriptorSet): FileRegistry {
  return createFileRegistry(fds);
}

describe("materializeValidateProto", () => {
  it("writes validate.proto once, and rewrites it only when it differs", () => {
    const dir = tempDir("ck-validate-");
    expect(materializeValidateProto(dir)).toBe(dir);
    const file = join(dir, "buf/validate/validate.proto");
    const text = readFileSync(file, "utf8");
    expect(text).toBe(printValidateProto());
    expect(text).toMatch(/^syntax = "proto2";$/m);
    expect(text).toContain("package buf.validate;");
    expect(text).toContain("extend .google.protobuf.FieldOptions {");
    expect(text).toContain("extensions 1000 to max;");
    const mtime = statSync(file).mtimeMs;
    materializeValidateProto(dir);
    expect(statSync(file).mtimeMs).toBe(mtime);
    writeFileSync(file, "stale");
    materializeValidateProto(dir);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("defaults to a cache folder inside the node_modules that holds protovalidate", () => {
    const dir = defaultValidateProtoDir();
    expect(dir).toMatch(/node_modules\/\.cache\/contractkit\/proto$/);
    expect(materializeValidateProto()).toBe(dir);
    expect(readFileSync(join(dir, "buf/validate/validate.proto"), "utf8")).toBe(
      printValidateProto(),
    );
  });

  it("lets a plain user folder import it through openProtoInput + buildImage", async () => {
    const include = materializeValidateProto(tempDir("ck-validate-inc-"));
    const user = tempDir("ck-validate-user-");
    mkdirSync(join(user, "shop/v1"), { recursive: true });
    writeFileSync(join(user, "shop/v1/shop.proto"), USER_PROTO);
    const input = openProtoInput(user, { includes: [include] });
    try {
      const { fds } = await buildImage(input);
      const reg = registryOf(fds);
      const customer = reg.getMessage("shop.v1.Customer");
      if (!customer) throw new Error("Customer missing");
      const name = getOption(customer.fields[0] as never, fieldExt);
      expect(name.type.case).toBe("string");
      if (name.type.case !== "string") throw new Error("expected string rules");
      expect(name.type.value.minLen).toBe(1n);
      expect(name.type.value.maxLen).toBe(80n);
      const email = getOption(customer.fields[1] as never, fieldExt);
      expect(email.type.case === "string" && email.type.value.wellKnown.case).toBe("email");
      const age = getOption(customer.fields[2] as never, fieldExt);
      expect(age.type.case === "int32" && age.type.value.lessThan).toEqual({
        case: "lt",
        value: 150,
      });
      expect(getOption(customer, messageExt).cel[0]?.id).toBe("name_or_email");
    } finally {
      input.dispose();
    }
  });

  it("round-trips the rules: the compiled validate.proto carries the embedded predefined rules", async () => {
    const include = materializeValidateProto(tempDir("ck-validate-rt-"));
    const input = openProtoInput(include);
    try {
      const { fds } = await buildImage(input, { excludeSourceInfo: true });
      const compiled = registryOf(fds).getFile("buf/validate/validate.proto");
      if (!compiled) throw new Error("validate.proto missing from the image");
      const embedded = file_buf_validate_validate;
      expect(compiled.messages.map((m) => m.typeName)).toEqual(
        embedded.messages.map((m) => m.typeName),
      );
      expect(compiled.extensions.map((e) => e.typeName)).toEqual(
        embedded.extensions.map((e) => e.typeName),
      );
      let compared = 0;
      for (const m of embedded.messages) {
        const other = compiled.messages.find((x) => x.typeName === m.typeName);
        expect(other?.fields.map((f) => [f.name, f.number, f.fieldKind, f.oneof?.name])).toEqual(
          m.fields.map((f) => [f.name, f.number, f.fieldKind, f.oneof?.name]),
        );
        for (const f of m.fields) {
          const want = getOption(f, predefined);
          const got = getOption(other?.field[f.localName] as never, predefined);
          expect(equals(PredefinedRulesSchema, got, want)).toBe(true);
          compared += want.cel.length;
        }
      }
      expect(compared).toBeGreaterThan(100);
      const strRules = compiled.messages.find((m) => m.typeName === StringRulesSchema.typeName);
      expect(getOption(strRules?.field.email as never, predefined).cel.map((c) => c.id)).toEqual([
        "string.email",
        "string.email_empty",
      ]);
    } finally {
      input.dispose();
    }
  });

  it("works with plain buf and a buf.yaml that names the cache folder as a module", async () => {
    const project = tempDir("ck-validate-proj-");
    materializeValidateProto(join(project, "node_modules/.cache/contractkit/proto"));
    mkdirSync(join(project, "proto/shop/v1"), { recursive: true });
    writeFileSync(join(project, "proto/shop/v1/shop.proto"), USER_PROTO);
    writeFileSync(
      join(project, "buf.yaml"),
      "version: v2\nmodules:\n  - path: proto\n  - path: node_modules/.cache/contractkit/proto\n",
    );
    const res = await runBuf(
      ["build", "-o", "-#format=json", "--path", "proto/shop/v1/shop.proto"],
      {
        cwd: project,
      },
    );
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const image = JSON.parse(Buffer.from(res.stdout).toString("utf8")) as {
      file: { name: string }[];
    };
    expect(image.file.map((f) => f.name)).toContain("shop/v1/shop.proto");
    expect(image.file.map((f) => f.name)).toContain("buf/validate/validate.proto");
  });
});
