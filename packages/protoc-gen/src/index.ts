export {
  ContractDefinitionError,
  type ContractDiagnostic,
  type DiagnosticCode,
  formatDiagnostic,
  isContractDefinitionError,
  isPluginOptionsError,
  PluginOptionsError,
} from "./contract-definition-error.js";
export { serializeFileDescriptorSet } from "./descriptor-set.js";
export {
  encoderExpression,
  type MessageTypeExtras,
  sensitivePaths,
} from "./message-type-emitter.js";
export {
  type ContractKitPluginInit,
  createContractKitPlugin,
  PLUGIN_NAME,
  PLUGIN_VERSION,
  protocGenContractKit,
  protocGenContractKit as plugin,
} from "./plugin.js";
export { type ContractKitPluginOptions, DEFAULT_MANIFEST_FILE } from "./plugin-options.js";
export {
  defaultFieldEmitters,
  type EmitContext,
  type FieldPlace,
  type FieldSchemaEmitters,
  type SchemaEmitterOptions,
  type WrapField,
  type WrapMessage,
} from "./schema-emitter.js";
export { isOptionalProperty, scalarSchema, schemaSymbol } from "./value-schemas.js";
