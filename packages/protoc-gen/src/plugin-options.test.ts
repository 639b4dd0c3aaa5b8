import { describe, expect, it } from "vitest";
import { isPluginOptionsError, PluginOptionsError } from "./contract-definition-error.js";
import {
  DEFAULT_MANIFEST_FILE,
  parseContractKitOptions,
  withPluginDefaults,
} from "./plugin-options.js";

describe("parseContractKitOptions", () => {
  it("defaults to writing the manifest and type-checking the schemas", () => {
    expect(parseContractKitOptions([])).toEqual({
      manifest: true,
      manifestFile: DEFAULT_MANIFEST_FILE,
      schemaCheck: true,
    });
  });

  it("parses manifest, manifest_file and schema_check", () => {
    expect(
      parseContractKitOptions([
        { key: "manifest", value: "false" },
        { key: "manifest_file", value: "meta/contract.json" },
        { key: "schema_check", value: "false" },
      ]),
    ).toEqual({ manifest: false, manifestFile: "meta/contract.json", schemaCheck: false });
  });

  it("names the option in a typed error", () => {
    const bad = (key: string, value: string) => () => parseContractKitOptions([{ key, value }]);
    expect(bad("manifest", "maybe")).toThrow(PluginOptionsError);
    expect(bad("manifest", "maybe")).toThrow(
      'option "manifest": expected true or false, got "maybe"',
    );
    expect(bad("manifest_file", "../out.json")).toThrow('option "manifest_file"');
    expect(bad("colour", "red")).toThrow('option "colour": unknown option');
    try {
      bad("colour", "red")();
    } catch (err) {
      expect(isPluginOptionsError(err)).toBe(true);
      expect((err as PluginOptionsError).option).toBe("colour");
      expect((err as PluginOptionsError).code).toBe("PLUGIN_OPTION_INVALID");
    }
  });
});

describe("withPluginDefaults", () => {
  it("adds target=ts and import_extension=js unless given", () => {
    expect(withPluginDefaults("")).toBe("target=ts,import_extension=js");
    expect(withPluginDefaults("manifest=false")).toBe(
      "target=ts,manifest=false,import_extension=js",
    );
    expect(withPluginDefaults("target=ts,import_extension=none")).toBe(
      "target=ts,import_extension=none",
    );
  });

  it("refuses JavaScript targets", () => {
    expect(() => withPluginDefaults("target=js+dts")).toThrow(
      'option "target": only "ts" is supported',
    );
  });
});
