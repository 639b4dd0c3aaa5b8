import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { BusCounters } from "./counters.js";
import type { Telemetry } from "./telemetry.js";

/** What publisher and subscriber share inside one bus (internal). */
export interface BusRuntime {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  /** Created on first use; provisioning and stream look-ups need it. */
  jsm(): Promise<JetStreamManager>;
  /** `ce-source` of published events. */
  readonly source: string;
  readonly counters: BusCounters;
  readonly telemetry: Telemetry;
  /** Per-attempt wait for a JetStream publish ack. */
  readonly publishAttemptTimeoutMs: number;
  /** Total time a publish keeps retrying (bounded by the caller's deadline). */
  readonly publishTimeoutMs: number;
}
