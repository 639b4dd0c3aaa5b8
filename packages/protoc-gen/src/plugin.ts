import { create, type DescFile } from "@bufbuild/protobuf";
import { CodeGeneratorRequestSchema } from "@bufbuild/protobuf/wkt";
import { createEcmaScriptPlugin, type Plugin, type Schema } from "@bufbuild/protoplugin";
import { checkContract } from "./contract-checks.js";
import { ContractDefinitionError, PluginOptionsError } from "./contract-definition-error.js";
import { buildContractModel, type ContractModel, messagesOf } from "./contract-model.js";
import { emitDescriptorSet } from "./descriptor-set.js";
import { emitEvent } from "./event-emitter.js";
import { buildManifest } from "./manifest-builder.js";
import {
  createMessageTypeRefs,
  emitMessageType,
  encoderExpression,
  type MessageTypeExtras,
} from "./message-type-emitter.js";
import {
  type ContractKitPluginOptions,
  parseContractKitOptions,
  withPluginDefaults,
} from "./plugin-options.js";
import {
  createSchemaEmitter,
  type EmitContext,
  type FieldSchemaEmitters,
  type SchemaEmitterOptions,
} from "./schema-emitter.js";
import { emitServices } from "./service-emitter.js";
import { contractFileName, contractImportPath, isToolingFile } from "./ts-proto-names.js";
import { validationHooks } from "./validation/index.js";

export const PLUGIN_NAME = "protoc-gen-contractkit";
export const PLUGIN_VERSION = "0.1.0";

/** Options for building the plugin: extension points for rule compilers. */
export interface ContractKitPluginInit extends SchemaEmitterOptions {
  readonly messageTypeExtras?: MessageTypeExtras;
  /** Replaces the per-field-kind schema emitters (default: `defaultFieldEmitters`). */
  readonly fieldEmitters?: FieldSchemaEmitters;
}

function generateFile(
  schema: Schema<ContractKitPluginOptions>,
  model: ContractModel,
  file: DescFile,
  schemas: ReturnType<typeof createSchemaEmitter>,
  init: ContractKitPluginInit,
): void {
  const messages = [...messagesOf(file)].filter((m) => !m.proto.options?.mapEntry);
  const services = model.services.filter((s) => s.service.file === file && s.methods.length > 0);
  if (messages.length === 0 && services.length === 0) return;
  const f = schema.generateFile(contractFileName(file));
  f.preamble(file);
  const importPath = contractImportPath(file);
  const descriptorSetFn = f.import("fileDescriptorSet", importPath);
  let wantsDescriptorSet = services.some((s) => s.transport === "grpc");
  const ctx: EmitContext = {
    f,
    file,
    z: f.import("z", "zod"),
    self: (name) => f.import(name, importPath),
    descriptorSet: () => {
      wantsDescriptorSet = true;
      return descriptorSetFn;
    },
    schemaCheck: schema.options.schemaCheck,
  };
  // Extras first: they may ask for the descriptor set, which must precede its users.
  const extras = new Map(
    messages.map((m) => [
      m,
      init.messageTypeExtras?.(ctx, m, { encode: encoderExpression(ctx, m) }),
    ]),
  );
  const printedDescriptorSet = wantsDescriptorSet;
  if (printedDescriptorSet) emitDescriptorSet(ctx, file, descriptorSetFn);
  for (const message of messages) {
    schemas.emitMessageSchema(ctx, message);
    emitMessageType(ctx, message, model.options, extras.get(message));
  }
  for (const message of messages) {
    const event = model.events.get(message.typeName);
    if (event) emitEvent(ctx, event);
  }
  emitServices(ctx, createMessageTypeRefs(ctx), services);
  // Asked for only while printing (e.g. by a schema hook): usable lazily, after load.
  if (wantsDescriptorSet && !printedDescriptorSet) emitDescriptorSet(ctx, file, descriptorSetFn);
}

/**
 * Creates `protoc-gen-contractkit`. `run(request)` is pure: it checks the contract (all
 * problems at once, as a `ContractDefinitionError`), then returns `<file>.contract.ts`
 * for each file to generate and `contractkit.manifest.json`. An empty parameter means
 * `target=ts,import_extension=js`.
 */
export function createContractKitPlugin(init: ContractKitPluginInit = {}): Plugin {
  const schemas = createSchemaEmitter(init, init.fieldEmitters);
  const inner = createEcmaScriptPlugin<ContractKitPluginOptions>({
    name: PLUGIN_NAME,
    version: PLUGIN_VERSION,
    parseOptions: parseContractKitOptions,
    generateTs(schema) {
      const model = buildContractModel(schema.allFiles);
      const diagnostics = checkContract(model);
      if (diagnostics.length > 0) throw new ContractDefinitionError(diagnostics);
      const files = schema.files.filter((f) => !isToolingFile(f));
      for (const file of files) generateFile(schema, model, file, schemas, init);
      if (schema.options.manifest) {
        const manifest = buildManifest(model, files);
        schema
          .generateFile(schema.options.manifestFile)
          .print(`${JSON.stringify(manifest, null, 2)}`);
      }
    },
  });
  return {
    name: inner.name,
    version: inner.version,
    run(request) {
      const parameter = withPluginDefaults(request.parameter);
      try {
        return inner.run(create(CodeGeneratorRequestSchema, { ...request, parameter }));
      } catch (err) {
        // protoplugin's own options (import_extension, ...) fail with its error class:
        // report them as ours, so callers handle one class naming the option.
        if (err instanceof Error && err.name === "PluginOptionError") {
          const option = /invalid option "([^"=]*)/.exec(err.message)?.[1] ?? "parameter";
          throw new PluginOptionsError(option, err.message, { cause: err });
        }
        throw err;
      }
    },
  };
}

/** The plugin with its default emitters. */
export const protocGenContractKit: Plugin = createContractKitPlugin(validationHooks);
