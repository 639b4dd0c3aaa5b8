import type { EventDefinition, Manifest } from "@contractkit/core";
import type { ConsumerSettings, NatsConfig, StreamSettings } from "./config.js";
import { natsConfigSchema, streamSettingsFor } from "./config.js";
import { assertResourceName, durableName } from "./naming.js";

/** A stream as the contract and the configuration want it. */
export interface DesiredStream {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly events: readonly string[];
  readonly settings: StreamSettings;
}

/** A durable pull consumer as the contract wants it: one per consuming service and event. */
export interface DesiredConsumer {
  readonly stream: string;
  readonly durable: string;
  readonly filterSubject: string;
  readonly service: string;
  readonly event: string;
  readonly settings: ConsumerSettings;
}

export interface DesiredState {
  readonly streams: readonly DesiredStream[];
  readonly consumers: readonly DesiredConsumer[];
}

/**
 * The streams and consumers a manifest declares: each stream with the subjects of its
 * events, and a durable consumer for every (consuming service, stream-backed event).
 */
export function desiredFromManifest(
  manifest: Manifest,
  config: NatsConfig = natsConfigSchema.parse({}),
): DesiredState {
  const streams = manifest.streams.map((s) => {
    assertResourceName(s.name, `manifest stream`);
    return {
      name: s.name,
      subjects: [...new Set(s.subjects)].sort(),
      events: [...s.events].sort(),
      settings: streamSettingsFor(config, s.name),
    };
  });
  const consumers: DesiredConsumer[] = [];
  for (const event of manifest.events) {
    if (!event.stream) continue;
    for (const service of event.consumers) {
      consumers.push({
        stream: event.stream,
        durable: durableName(service, event.name),
        filterSubject: event.subject.replace(/\{[^}]+\}/g, "*"),
        service,
        event: event.name,
        settings: config.consumers,
      });
    }
  }
  consumers.sort((a, b) => (a.stream + a.durable).localeCompare(b.stream + b.durable));
  return { streams, consumers };
}

/** The streams a set of event definitions needs (what `bus.ensureStreams(events)` creates). */
export function desiredFromEvents(
  events: readonly Pick<EventDefinition<unknown>, "typeName" | "stream" | "subjectFor">[],
  config: NatsConfig = natsConfigSchema.parse({}),
): DesiredState {
  const byStream = new Map<string, { subjects: Set<string>; events: Set<string> }>();
  for (const e of events) {
    if (!e.stream) continue;
    assertResourceName(e.stream, `event ${e.typeName}: stream`);
    const entry = byStream.get(e.stream) ?? { subjects: new Set(), events: new Set() };
    entry.subjects.add(e.subjectFor());
    entry.events.add(e.typeName);
    byStream.set(e.stream, entry);
  }
  const streams = [...byStream].map(([name, v]) => ({
    name,
    subjects: [...v.subjects].sort(),
    events: [...v.events].sort(),
    settings: streamSettingsFor(config, name),
  }));
  return { streams, consumers: [] };
}
