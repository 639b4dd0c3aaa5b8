import type { EventModel } from "./contract-model.js";
import type { EmitContext } from "./schema-emitter.js";
import { tsProtoImportPath, tsTypeName } from "./ts-proto-names.js";

/**
 * Emits `export const FooEvent = defineEvent<Foo, "tokenKey" | ...>({...})` for an event
 * message. Subject building, wildcards and token checks live in `defineEvent`
 * (@contractkit/core), once, rather than in every generated file.
 */
export function emitEvent(ctx: EmitContext, event: EventModel): void {
  const { f } = ctx;
  const name = tsTypeName(event.message);
  const defineEvent = f.import("defineEvent", "@contractkit/core");
  const type = f.import(name, tsProtoImportPath(event.message.file), true);
  const keys = [...new Set(event.tokens.map((t) => t.key))];
  const keyType = keys.length ? keys.map((k) => JSON.stringify(k)).join(" | ") : "never";
  f.print(f.export("const", `${name}Event`), " = ", defineEvent, "<", type, ", ", keyType, ">({");
  f.print("  ...", ctx.self(`${name}Type`), ",");
  f.print(`  subjectTemplate: ${JSON.stringify(event.subject)},`);
  f.print(`  stream: ${event.stream ? JSON.stringify(event.stream) : "undefined"},`);
  if (event.tokens.length === 0) {
    f.print("  tokens: [],");
  } else {
    f.print("  tokens: [");
    for (const t of event.tokens) {
      const base = `field: ${JSON.stringify(t.name)}, key: ${JSON.stringify(t.key)}, kind: ${JSON.stringify(t.kind)}`;
      if (t.enumNames) {
        const names = Object.entries(t.enumNames)
          .map(([n, v]) => `${Number(n) < 0 ? `"${n}"` : n}: ${JSON.stringify(v)}`)
          .join(", ");
        f.print(`    { ${base}, enumNames: { ${names} } },`);
      } else {
        f.print(`    { ${base} },`);
      }
    }
    f.print("  ],");
  }
  f.print("});");
  f.print();
}
