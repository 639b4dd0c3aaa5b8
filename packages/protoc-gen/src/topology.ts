import type { DescMessage, DescService } from "@bufbuild/protobuf";
import { type ContractDiagnostic, diag } from "./contract-definition-error.js";
import type { EventModel } from "./contract-model.js";
import { locateOption } from "./source-location.js";

/**
 * Resolves a service's `publishes` / `consumes` names to events: a name is full
 * (optionally with a leading dot) or relative to the service's package. Each name that
 * is not an event adds a TOPOLOGY_NOT_AN_EVENT diagnostic.
 */
export function resolveTopology(
  service: DescService,
  list: "publishes" | "consumes",
  names: readonly string[],
  events: ReadonlyMap<string, EventModel>,
  messages: ReadonlyMap<string, DescMessage>,
  out: ContractDiagnostic[],
): string[] {
  const pkg = service.file.proto.package;
  const resolved: string[] = [];
  for (const name of names) {
    const candidates = name.startsWith(".")
      ? [name.slice(1)]
      : [pkg ? `${pkg}.${name}` : name, name];
    const event = candidates.find((c) => events.has(c));
    if (event) {
      if (!resolved.includes(event)) resolved.push(event);
      continue;
    }
    const message = candidates.map((c) => messages.get(c)).find((m) => m !== undefined);
    const known = [...events.keys()].sort();
    const why = message
      ? `names message ${message.typeName}, which is not an event (it has no (contractkit.v1.event) option)`
      : `names "${name}", which is not a known message`;
    out.push(
      diag(
        "TOPOLOGY_NOT_AN_EVENT",
        locateOption(service),
        `service ${service.typeName}: ${list} ${why}; name an event in full or relative to package ${pkg || "(none)"}` +
          (known.length
            ? `; known events: ${known.join(", ")}`
            : "; the request declares no events"),
      ),
    );
  }
  return resolved;
}
