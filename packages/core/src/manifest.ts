import type { IdempotencyLevel, StreamingKind } from "./definitions.js";

/**
 * The manifest: what a contract declares, as data. `protoc-gen-contractkit` writes it
 * (`contractkit.manifest.json`); provisioning (`contractkit nats plan`), the gate, the
 * registry and the catalog read it.
 */
export interface Manifest {
  readonly manifestVersion: 1;
  /** Proto files the manifest was made from, relative to the module root. */
  readonly files: readonly string[];
  readonly services: readonly ManifestService[];
  readonly events: readonly ManifestEvent[];
  /** JetStream streams named by events, with the subjects they must capture. */
  readonly streams: readonly ManifestStream[];
  /** Every message that has sensitive fields. */
  readonly sensitive: readonly ManifestSensitive[];
}

export interface ManifestService {
  /** Full name, e.g. `musiccorp.warehouse.v1.WarehouseService`. */
  readonly name: string;
  readonly file: string;
  readonly transport: "grpc" | "nats";
  /** NATS transport only. */
  readonly subjectPrefix?: string;
  readonly queueGroup?: string;
  readonly methods: readonly ManifestMethod[];
  /** Full names of the events it publishes / consumes. */
  readonly publishes: readonly string[];
  readonly consumes: readonly string[];
}

export interface ManifestMethod {
  readonly name: string;
  readonly kind: StreamingKind;
  readonly inputType: string;
  readonly outputType: string;
  /** gRPC: `/pkg.Service/Method`. */
  readonly path?: string;
  /** NATS: the request subject. */
  readonly subject?: string;
  readonly timeoutMs?: number;
  readonly idempotency: IdempotencyLevel;
  readonly longRunning: boolean;
}

export interface ManifestEvent {
  /** Full message name; also the `ce-type`. */
  readonly name: string;
  readonly file: string;
  readonly subject: string;
  readonly stream?: string;
  /** Proto field names used as subject tokens, in template order. */
  readonly tokens: readonly string[];
  /** Services that declare they publish / consume it. */
  readonly publishers: readonly string[];
  readonly consumers: readonly string[];
}

export interface ManifestStream {
  readonly name: string;
  /** Subjects (with `*` for tokens) the stream must capture: one per event. */
  readonly subjects: readonly string[];
  readonly events: readonly string[];
}

export interface ManifestSensitive {
  readonly message: string;
  /** Proto field names. */
  readonly fields: readonly string[];
}
