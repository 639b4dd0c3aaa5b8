import type { ImportSymbol } from "@bufbuild/protoplugin";
import type { MethodModel, ServiceModel } from "./contract-model.js";
import type { EmitContext } from "./schema-emitter.js";

/** ts-proto's type of a method's input or output, imported into the file. */
export type MessageTypeOf = (m: MethodModel, which: "input" | "output") => ImportSymbol;

/**
 * Emits the bindings of a NATS-transport service's long-running methods (the ones marked
 * `(contractkit.v1.method).long_running`), written against `@contractkit/nats`:
 *
 * - caller: `<S>LongRunningClient` and `create<S>LongRunningClient(caller)`, whose methods
 *   send over JetStream and resolve with the `SentRequest` at once;
 * - outcomes: `<S>Outcomes` and `listen<S>Outcomes(caller, handlers)`: the answer, the
 *   error or the time-out reaches one instance of the caller, whichever listens;
 * - responder: `<S>LongRunningHandlers` and `register<S>LongRunning(bus, handlers, options?)`.
 *
 * These methods are left out of `<S>Client` / `register<S>`: NATS RPC refuses them.
 */
export function emitLongRunning(
  ctx: EmitContext,
  s: ServiceModel,
  methods: readonly MethodModel[],
  type: MessageTypeOf,
): void {
  const { f } = ctx;
  const name = s.service.name;
  const typeName = s.service.typeName;
  const nats = (symbol: string) => f.import(symbol, "@contractkit/nats", true);
  const callerType = nats("LongRunningCaller");
  const def = ctx.self(`${name}Nats`);

  f.print(
    f.jsDoc(
      `Long-running methods of ${typeName}: each call sends the request over JetStream and resolves once it is stored; the outcome arrives later (see listen${name}Outcomes).`,
    ),
  );
  f.print(f.export("interface", `${name}LongRunningClient`), " {");
  for (const m of methods) {
    f.print(
      `  ${m.name}(request: `,
      type(m, "input"),
      ", options?: ",
      nats("SendOptions"),
      "): Promise<",
      nats("SentRequest"),
      ">;",
    );
  }
  f.print("}");
  f.print();
  f.print(f.jsDoc(`Creates a typed sender of ${typeName}'s long-running methods.`));
  f.print(
    f.export("function", `create${name}LongRunningClient`),
    "(caller: ",
    callerType,
    "): ",
    ctx.self(`${name}LongRunningClient`),
    " {",
  );
  f.print("  return {");
  for (const m of methods) {
    f.print(
      `    ${m.name}: (request, options) => caller.send(`,
      def,
      `, ${JSON.stringify(m.name)}, request, options),`,
    );
  }
  f.print("  };");
  f.print("}");
  f.print();

  const outcome = nats("LongRunningOutcome");
  f.print(
    f.jsDoc(
      `What becomes of ${typeName}'s long-running requests: one handler per method, called with the answer, the error or the time-out.`,
    ),
  );
  f.print(f.export("interface", `${name}Outcomes`), " {");
  for (const m of methods) {
    f.print(`  ${m.name}(outcome: `, outcome, "<", type(m, "output"), ">): Promise<void> | void;");
  }
  f.print("}");
  f.print();
  f.print(
    f.jsDoc(
      `Takes the outcomes of this caller's long-running requests to ${typeName}; every instance of the caller may listen, each outcome is handled by one of them.`,
    ),
  );
  f.print(f.export("function", `listen${name}Outcomes`), "(");
  f.print("  caller: ", callerType, ",");
  f.print("  handlers: ", ctx.self(`${name}Outcomes`), ",");
  f.print("): Promise<", nats("LongRunningListener"), "> {");
  f.print("  return caller.listen(", def, ", {");
  for (const m of methods) {
    f.print(`    ${m.name}: (outcome) => handlers.${m.name}(outcome),`);
  }
  f.print("  });");
  f.print("}");
  f.print();

  f.print(f.jsDoc(`Handlers of ${typeName}'s long-running methods: one per method.`));
  f.print(f.export("interface", `${name}LongRunningHandlers`), " {");
  for (const m of methods) {
    const out = type(m, "output");
    f.print(
      `  ${m.name}(request: `,
      type(m, "input"),
      ", ctx: ",
      nats("RpcHandlerContext"),
      "): Promise<",
      out,
      "> | ",
      out,
      ";",
    );
  }
  f.print("}");
  f.print();
  f.print(
    f.jsDoc(
      `Answers ${typeName}'s long-running requests from JetStream with the given handlers, shared by every instance of the service.`,
    ),
  );
  f.print(f.export("function", `register${name}LongRunning`), "(");
  f.print("  bus: ", nats("HasNatsConnection"), ",");
  f.print("  handlers: ", ctx.self(`${name}LongRunningHandlers`), ",");
  f.print("  options?: ", nats("LongRunningServerOptions"), ",");
  f.print("): Promise<", nats("LongRunningRegistration"), "> {");
  f.print("  return ", f.import("serveLongRunning", "@contractkit/nats"), "(");
  f.print("    bus,");
  f.print("    ", def, ",");
  f.print("    {");
  for (const m of methods) {
    f.print(
      `      ${m.name}: async (request, ctx) => handlers.${m.name}(request as `,
      type(m, "input"),
      ", ctx),",
    );
  }
  f.print("    },");
  f.print("    options,");
  f.print("  );");
  f.print("}");
  f.print();
}
