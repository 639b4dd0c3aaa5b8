import type { Printable } from "@bufbuild/protoplugin";
import type { MessageTypeExtras } from "../message-type-emitter.js";
import type { ContractKitPluginInit } from "../plugin.js";
import type { EmitContext, WrapField, WrapMessage } from "../schema-emitter.js";
import { schemaSymbol } from "../value-schemas.js";
import {
  compileExtraRules,
  compileFieldRules,
  compileMessageRules,
  type RuleImport,
  runtimeRules,
} from "./compile-rules.js";
import { compileFastSpec } from "./fast-spec.js";

/**
 * The plugin's extension points filled with the `buf.validate` rules compiler:
 * `createContractKitPlugin(validationHooks)` emits
 * - per field: `.superRefine(fieldRules({…}))` after the property's schema;
 * - per message: `.superRefine(messageRules({…}))` after its `z.object({…})`, and the
 *   whole schema wrapped in `withFastCheck(schema, {…})`: the shape and rules as a plain
 *   spec, for `validate`'s fast accept path;
 * - per MessageType, only when the message (or one it contains) has CEL rules:
 *   `extraRules: celRules({ typeName, descriptors: fileDescriptorSet, encode })`.
 */
export const validationHooks: ContractKitPluginInit = {
  wrapField: ((ctx, field, schema) =>
    append(ctx, schema, compileFieldRules(field).parts)) satisfies WrapField,
  wrapMessage: ((ctx, message, schema) => {
    const withRules = append(ctx, schema, compileMessageRules(message).parts);
    const fast = compileFastSpec(message, (desc) => schemaSymbol(ctx, desc));
    if (!fast) return withRules;
    return [
      ctx.f.import("withFastCheck", "@contractkit/core"),
      "(",
      withRules,
      ", ",
      printable(ctx, fast),
      ")",
    ];
  }) satisfies WrapMessage,
  messageTypeExtras: ((ctx, message, code) => {
    // Only messages with CEL rules pay for the embedded descriptor set.
    if (!runtimeRules(message).needed) return undefined;
    const rules = compileExtraRules(message, {
      descriptors: ctx.descriptorSet(),
      encode: code.encode,
    });
    if (rules.parts.length === 0) return undefined;
    return ["  extraRules: ", printable(ctx, rules.parts), ","];
  }) satisfies MessageTypeExtras,
};

function append(
  ctx: EmitContext,
  schema: Printable,
  parts: ReadonlyArray<string | RuleImport>,
): Printable {
  return parts.length === 0 ? schema : [schema, printable(ctx, parts)];
}

function printable(ctx: EmitContext, parts: ReadonlyArray<unknown>): Printable {
  return parts.map((p) => (isRuleImport(p) ? ctx.f.import(p.name, p.from) : (p as Printable)));
}

function isRuleImport(p: unknown): p is RuleImport {
  return typeof p === "object" && p !== null && "from" in p && "name" in p && !("kind" in p);
}
