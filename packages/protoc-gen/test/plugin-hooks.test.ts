import {
  createContractKitPlugin,
  defaultFieldEmitters,
  PluginOptionsError,
} from "@contractkit/protoc-gen";
import { compileToRequest } from "@contractkit/testing";
import { describe, expect, it } from "vitest";
import { responseFiles } from "./generate-helpers.js";

/** The extension points a rule compiler uses, and the plugin's option handling. */

const proto = {
  "acme/v1/rules.proto": `syntax = "proto3";

package acme.v1;

message Order {
  string id = 1;
  optional string note = 2;
  oneof pick {
    string a = 3;
    int32 b = 4;
  }
}
`,
};

describe("extension points", () => {
  it("wraps every field, oneof member and message schema, and adds MessageType properties", async () => {
    const plugin = createContractKitPlugin({
      wrapField: (_ctx, field, schema) => [schema, `.describe(${JSON.stringify(field.name)})`],
      wrapMessage: (ctx, message, schema) => [
        schema,
        ".superRefine(",
        ctx.f.import("messageRules", "@contractkit/core"),
        `(${JSON.stringify(message.name)}))`,
      ],
      messageTypeExtras: (ctx, _message, code) => [
        "  extraRules: ",
        ctx.f.import("celRules", "@contractkit/core"),
        "({ descriptors: ",
        ctx.descriptorSet(),
        ", encode: ",
        code.encode,
        " }),",
      ],
    });
    const files = responseFiles(
      plugin.run(await compileToRequest(proto, { parameter: "manifest=false" })),
    );
    const out = files.get("acme/v1/rules.contract.ts") ?? "";
    expect(out).toContain('  id: z.string().describe("id"),');
    expect(out).toContain('  note: z.string().optional().describe("note"),');
    expect(out).toContain('z.object({ $case: z.literal("a"), a: z.string().describe("a") })');
    expect(out).toContain(
      'import { celRules, messageRules, orUndefined } from "@contractkit/core";',
    );
    expect(out).toContain('}).superRefine(messageRules("Order"));');
    expect(out).toContain(
      "  extraRules: celRules({ descriptors: fileDescriptorSet, encode: (m) => Order.encode(m).finish() }),",
    );
    // The descriptor set is printed before the message types that use it.
    expect(out.indexOf("function fileDescriptorSet()")).toBeLessThan(
      out.indexOf("export const OrderType"),
    );
  });

  it("an overridden field-kind emitter also shapes list elements and map values", async () => {
    const plugin = createContractKitPlugin({
      fieldEmitters: { ...defaultFieldEmitters, scalar: (ctx) => [ctx.z, ".never()"] },
    });
    const sources = {
      "acme/v1/lists.proto":
        'syntax = "proto3";\npackage acme.v1;\nmessage L { repeated string a = 1; map<string, int32> m = 2; }\n',
    };
    const files = responseFiles(plugin.run(await compileToRequest(sources)));
    const out = files.get("acme/v1/lists.contract.ts") ?? "";
    expect(out).toContain("  a: z.array(z.never()),");
    expect(out).toContain("  m: z.record(z.string(), z.never()),");
  });

  it("emits no descriptor set when nothing needs it", async () => {
    const files = responseFiles(createContractKitPlugin().run(await compileToRequest(proto)));
    expect(files.get("acme/v1/rules.contract.ts")).not.toContain("fileDescriptorSet");
  });
});

describe("plugin options", () => {
  it("reports a bad option of the plugin or of protoplugin as PluginOptionsError naming it", async () => {
    const request = await compileToRequest(proto);
    const run = (parameter: string) => () =>
      createContractKitPlugin().run({ ...request, parameter });
    expect(run("manifest=yes")).toThrow(PluginOptionsError);
    expect(run("manifest=yes")).toThrow('option "manifest"');
    expect(run("import_extension=cjs")).toThrow(PluginOptionsError);
    expect(run("import_extension=cjs")).toThrow('option "import_extension"');
    expect(run("target=js")).toThrow('option "target": only "ts" is supported');
  });

  it("writes the manifest under the configured name", async () => {
    const request = await compileToRequest(proto, {
      parameter: "manifest_file=meta/contract.json",
    });
    const files = responseFiles(createContractKitPlugin().run(request));
    expect([...files.keys()].sort()).toEqual(["acme/v1/rules.contract.ts", "meta/contract.json"]);
  });

  it("schema_check=false casts each schema instead of type-checking it against ts-proto's type", async () => {
    const request = await compileToRequest(proto);
    const checked =
      responseFiles(createContractKitPlugin().run(request)).get("acme/v1/rules.contract.ts") ?? "";
    const cast =
      responseFiles(
        createContractKitPlugin().run({ ...request, parameter: "schema_check=false" }),
      ).get("acme/v1/rules.contract.ts") ?? "";
    expect(checked).toContain("export const OrderSchema: z.ZodType<Order> = z.object({");
    expect(checked).not.toContain("as unknown as");
    expect(cast).toContain("export const OrderSchema: z.ZodType<Order> = (z.object({");
    expect(cast).toContain(")) as unknown as z.ZodType<Order>;");
    expect(() =>
      createContractKitPlugin().run({ ...request, parameter: "schema_check=maybe" }),
    ).toThrow('option "schema_check"');
  });
});
