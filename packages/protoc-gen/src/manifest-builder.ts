import type { DescFile } from "@bufbuild/protobuf";
import type { ContractModel, EventModel, MethodModel, ServiceModel } from "./contract-model.js";
import { messagesOf } from "./contract-model.js";

/**
 * Builds the manifest (`contractkit.manifest.json`): what the generated files declare,
 * as data, in the shape of `Manifest` from @contractkit/core (mirrored here: the plugin
 * does not depend on the runtime packages).
 */

export interface ManifestJson {
  manifestVersion: 1;
  files: string[];
  services: Record<string, unknown>[];
  events: Record<string, unknown>[];
  streams: { name: string; subjects: string[]; events: string[] }[];
  sensitive: { message: string; fields: string[] }[];
}

function method(m: MethodModel, transport: "grpc" | "nats"): Record<string, unknown> {
  return {
    name: m.method.name,
    kind: m.kind,
    inputType: m.method.input.typeName,
    outputType: m.method.output.typeName,
    ...(transport === "grpc" ? { path: m.path } : { subject: m.subject }),
    ...(m.timeoutMs !== undefined ? { timeoutMs: m.timeoutMs } : {}),
    idempotency: m.idempotency,
    longRunning: m.longRunning,
  };
}

function service(s: ServiceModel): Record<string, unknown> {
  return {
    name: s.service.typeName,
    file: s.service.file.proto.name,
    transport: s.transport,
    ...(s.transport === "nats" ? { subjectPrefix: s.subjectPrefix, queueGroup: s.queueGroup } : {}),
    methods: s.methods.map((m) => method(m, s.transport)),
    publishes: [...s.publishes],
    consumes: [...s.consumes],
  };
}

function event(e: EventModel, model: ContractModel): Record<string, unknown> {
  const name = e.message.typeName;
  return {
    name,
    file: e.message.file.proto.name,
    subject: e.subject,
    ...(e.stream ? { stream: e.stream } : {}),
    tokens: e.tokens.map((t) => t.name),
    publishers: model.services
      .filter((s) => s.publishes.includes(name))
      .map((s) => s.service.typeName),
    consumers: model.services
      .filter((s) => s.consumes.includes(name))
      .map((s) => s.service.typeName),
  };
}

/** The manifest of the files to generate; publishers and consumers come from every file. */
export function buildManifest(model: ContractModel, files: readonly DescFile[]): ManifestJson {
  const names = new Set(files.map((f) => f.proto.name));
  const inFiles = (f: DescFile) => names.has(f.proto.name);
  const events = [...model.events.values()].filter((e) => inFiles(e.message.file));
  const streams = new Map<string, { name: string; subjects: string[]; events: string[] }>();
  for (const e of events) {
    if (!e.stream || !e.wildcard) continue;
    let s = streams.get(e.stream);
    if (!s) {
      s = { name: e.stream, subjects: [], events: [] };
      streams.set(e.stream, s);
    }
    if (!s.subjects.includes(e.wildcard)) s.subjects.push(e.wildcard);
    s.events.push(e.message.typeName);
  }
  const sensitive: { message: string; fields: string[] }[] = [];
  for (const file of files) {
    for (const m of messagesOf(file)) {
      const fields = m.fields.filter((f) => model.options.sensitive(f)).map((f) => f.name);
      if (fields.length) sensitive.push({ message: m.typeName, fields });
    }
  }
  return {
    manifestVersion: 1,
    files: files.map((f) => f.proto.name),
    services: model.services.filter((s) => inFiles(s.service.file)).map(service),
    events: events.map((e) => event(e, model)),
    streams: [...streams.values()].sort((a, b) => a.name.localeCompare(b.name)),
    sensitive,
  };
}
