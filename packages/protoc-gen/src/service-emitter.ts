import type { Printable } from "@bufbuild/protoplugin";
import type { MethodModel, ServiceModel } from "./contract-model.js";
import { emitLongRunning, type MessageTypeOf } from "./long-running-emitter.js";
import type { MessageTypeRefs } from "./message-type-emitter.js";
import type { EmitContext } from "./schema-emitter.js";
import { tsProtoImportPath, tsTypeName } from "./ts-proto-names.js";

/**
 * Emits the service bindings of a file: a method table per gRPC-transport service
 * (with the file's FileDescriptorSet for reflection, see `emitDescriptorSet`), and per
 * NATS-transport service a definition, a typed client factory and a typed handler
 * registration for its request/reply methods, and the long-running bindings (see
 * `emitLongRunning`) for its methods marked `long_running`.
 */

function methodFields(refs: MessageTypeRefs, m: MethodModel): Printable[] {
  return [
    `      name: ${JSON.stringify(m.name)},\n`,
    `      protoName: ${JSON.stringify(m.method.name)},\n`,
    `      kind: ${JSON.stringify(m.kind)},\n`,
    ["      input: ", refs.ref(m.method.input), ",\n"],
    ["      output: ", refs.ref(m.method.output), ",\n"],
    `      timeoutMs: ${m.timeoutMs ?? "undefined"},\n`,
    `      idempotency: ${JSON.stringify(m.idempotency)},\n`,
    `      longRunning: ${m.longRunning},\n`,
  ];
}

export function emitServices(
  ctx: EmitContext,
  refs: MessageTypeRefs,
  services: readonly ServiceModel[],
): void {
  const withMethods = services.filter((s) => s.methods.length > 0);
  if (withMethods.length === 0) return;
  // Resolve every MessageType first: local ones for Google types must precede the tables.
  for (const s of withMethods) {
    for (const m of s.methods) {
      refs.ref(m.method.input);
      refs.ref(m.method.output);
    }
  }
  refs.emitPending();

  for (const s of withMethods) {
    if (s.transport === "grpc") {
      emitGrpcTable(ctx, refs, s, ctx.descriptorSet());
    } else {
      emitNatsService(ctx, refs, s);
    }
  }
}

function emitGrpcTable(
  ctx: EmitContext,
  refs: MessageTypeRefs,
  s: ServiceModel,
  descriptorSet: Printable,
): void {
  const { f } = ctx;
  const table = f.import("GrpcServiceTable", "@contractkit/core", true);
  f.print(f.jsDoc(`Method table of ${s.service.typeName} for the ContractKit gRPC runtime.`));
  f.print(f.export("const", `${s.service.name}Grpc`), ": ", table, " = {");
  f.print(`  kind: "grpc-service",`);
  f.print(`  typeName: ${JSON.stringify(s.service.typeName)},`);
  f.print("  methods: {");
  for (const m of s.methods) {
    f.print(`    ${m.name}: {`);
    f.print(methodFields(refs, m), `      path: ${JSON.stringify(m.path)},`);
    f.print("    },");
  }
  f.print("  },");
  f.print("  fileDescriptorSet: ", descriptorSet, ",");
  f.print("};");
  f.print();
}

function emitNatsService(ctx: EmitContext, refs: MessageTypeRefs, s: ServiceModel): void {
  const { f } = ctx;
  const name = s.service.name;
  const definition = f.import("NatsServiceDefinition", "@contractkit/core", true);
  const type: MessageTypeOf = (m, which) => {
    const msg = m.method[which];
    return f.import(tsTypeName(msg), tsProtoImportPath(msg.file), true);
  };

  f.print(f.jsDoc(`${s.service.typeName} over NATS request/reply (queue group ${s.queueGroup}).`));
  f.print(f.export("const", `${name}Nats`), ": ", definition, " = {");
  f.print(`  kind: "nats-service",`);
  f.print(`  typeName: ${JSON.stringify(s.service.typeName)},`);
  f.print(`  subjectPrefix: ${JSON.stringify(s.subjectPrefix)},`);
  f.print(`  queueGroup: ${JSON.stringify(s.queueGroup)},`);
  f.print("  methods: {");
  for (const m of s.methods) {
    f.print(`    ${m.name}: {`);
    f.print(methodFields(refs, m), `      subject: ${JSON.stringify(m.subject)},`);
    f.print("    },");
  }
  f.print("  },");
  f.print("};");
  f.print();

  // Long-running methods are sent over JetStream, never over request/reply.
  const rpcMethods = s.methods.filter((m) => !m.longRunning);
  if (rpcMethods.length > 0) emitRpcBindings(ctx, s, rpcMethods, type);
  const longRunning = s.methods.filter((m) => m.longRunning);
  if (longRunning.length > 0) emitLongRunning(ctx, s, longRunning, type);
}

/** `<S>Client`, `create<S>Client(transport)`, `<S>Handlers` and `register<S>(transport, handlers)`. */
function emitRpcBindings(
  ctx: EmitContext,
  s: ServiceModel,
  methods: readonly MethodModel[],
  type: MessageTypeOf,
): void {
  const { f } = ctx;
  const name = s.service.name;
  const transport = f.import("NatsRpcTransport", "@contractkit/nats", true);
  const callOptions = f.import("RpcCallOptions", "@contractkit/nats", true);
  const handlerContext = f.import("RpcHandlerContext", "@contractkit/nats", true);
  const registration = f.import("RpcRegistration", "@contractkit/nats", true);
  const def = ctx.self(`${name}Nats`);

  f.print(f.jsDoc(`Typed client of ${s.service.typeName}.`));
  f.print(f.export("interface", `${name}Client`), " {");
  for (const m of methods) {
    f.print(
      `  ${m.name}(request: `,
      type(m, "input"),
      ", options?: ",
      callOptions,
      "): Promise<",
      type(m, "output"),
      ">;",
    );
  }
  f.print("}");
  f.print();
  f.print(f.jsDoc(`Creates a typed client of ${s.service.typeName} on a NATS RPC transport.`));
  f.print(
    f.export("function", `create${name}Client`),
    "(transport: ",
    transport,
    "): ",
    ctx.self(`${name}Client`),
    " {",
  );
  f.print("  return {");
  for (const m of methods) {
    f.print(`    ${m.name}: (request, options) =>`);
    f.print(
      "      transport.request<",
      type(m, "input"),
      ", ",
      type(m, "output"),
      ">(",
      def,
      `, ${JSON.stringify(m.name)}, request, options),`,
    );
  }
  f.print("  };");
  f.print("}");
  f.print();

  const except =
    methods.length < s.methods.length ? ` (long-running ones: register${name}LongRunning)` : "";
  f.print(f.jsDoc(`Handlers of ${s.service.typeName}: one per method${except}.`));
  f.print(f.export("interface", `${name}Handlers`), " {");
  for (const m of methods) {
    const out = type(m, "output");
    f.print(
      `  ${m.name}(request: `,
      type(m, "input"),
      ", ctx: ",
      handlerContext,
      "): Promise<",
      out,
      "> | ",
      out,
      ";",
    );
  }
  f.print("}");
  f.print();
  f.print(f.jsDoc(`Serves ${s.service.typeName} with the given handlers on a NATS RPC transport.`));
  f.print(f.export("function", `register${name}`), "(");
  f.print("  transport: ", transport, ",");
  f.print("  handlers: ", ctx.self(`${name}Handlers`), ",");
  f.print("): Promise<", registration, "> {");
  f.print("  return transport.serve(", def, ", {");
  for (const m of methods) {
    f.print(
      `    ${m.name}: async (request, ctx) => handlers.${m.name}(request as `,
      type(m, "input"),
      ", ctx),",
    );
  }
  f.print("  });");
  f.print("}");
  f.print();
}
