import type { NatsServiceDefinition } from "@contractkit/core";
import { assertResourceName } from "../naming.js";

/**
 * Long-running requests travel through one JetStream stream (default `CK_LONG_RUNNING`,
 * subjects `ck.lr.>`), apart from the NATS RPC subjects (`<subjectPrefix>.<Method>`),
 * which no stream may capture:
 *
 * - requests:  `ck.lr.req.<service>.<Method>` (service = full name with `_` for `.`)
 * - responses: `ck.lr.res.<caller>.<service>.<Method>`
 *
 * The caller's pending requests live in a KV bucket (default `ck_long_running`), keyed
 * `<caller>.<service>.<Method>.<requestId>`, so any instance of the caller can take the
 * answer or report the time-out.
 */
export interface LongRunningSettingsInput {
  stream?: string;
  subjectPrefix?: string;
  bucket?: string;
  /** How long requests and responses stay in the stream (default 7 d). */
  maxAgeMs?: number;
  /** How long a pending entry may live; also the longest allowed time-out (default 30 d). */
  pendingTtlMs?: number;
  replicas?: number;
  storage?: "file" | "memory";
}

export type LongRunningSettings = Required<LongRunningSettingsInput>;

export function resolveLongRunningSettings(
  input: LongRunningSettingsInput = {},
): LongRunningSettings {
  const s: LongRunningSettings = {
    stream: input.stream ?? "CK_LONG_RUNNING",
    subjectPrefix: input.subjectPrefix ?? "ck.lr",
    bucket: input.bucket ?? "ck_long_running",
    maxAgeMs: input.maxAgeMs ?? 7 * 86_400_000,
    pendingTtlMs: input.pendingTtlMs ?? 30 * 86_400_000,
    replicas: input.replicas ?? 1,
    storage: input.storage ?? "file",
  };
  assertResourceName(s.stream, "long-running requests: stream");
  assertResourceName(s.bucket, "long-running requests: bucket");
  return s;
}

/** Headers of long-running requests and responses. */
export const LongRunningHeader = {
  /** The request's id (its `ce-id`): the key the answer is matched by. */
  requestId: "ck-lr-request-id",
  /** Where the answer goes. */
  replyTo: "ck-lr-reply-to",
  /**
   * The absolute deadline (ISO). Unlike the relative budget of RPC, a long-running
   * request may wait in the stream for hours, so the remaining time is only known from
   * an absolute time (clock skew is small next to such time-outs).
   */
  deadline: "ck-lr-deadline",
} as const;

/** `musiccorp.warehouse.v1.WarehouseService` → `musiccorp_warehouse_v1_WarehouseService`. */
export function serviceToken(service: Pick<NatsServiceDefinition, "typeName">): string {
  return service.typeName.replace(/\./g, "_");
}

export function requestSubject(
  s: LongRunningSettings,
  service: NatsServiceDefinition,
  protoName: string,
): string {
  return `${s.subjectPrefix}.req.${serviceToken(service)}.${protoName}`;
}

export function responseSubject(
  s: LongRunningSettings,
  caller: string,
  service: NatsServiceDefinition,
  protoName: string,
): string {
  return `${s.subjectPrefix}.res.${caller}.${serviceToken(service)}.${protoName}`;
}

/**
 * A method of a NATS service definition that the contract marks long-running
 * (`(contractkit.v1.method).long_running`), or an error naming the ones that are.
 */
export function methodOf(service: NatsServiceDefinition, method: string) {
  const m = service.methods[method];
  const marked = Object.values(service.methods)
    .filter((x) => x.longRunning)
    .map((x) => x.name);
  if (!m?.longRunning) {
    throw new Error(
      `${service.typeName}: "${method}" is not a long-running method (long-running: ${marked.join(", ") || "none"}); mark it with (contractkit.v1.method).long_running or call it over NATS RPC`,
    );
  }
  return m;
}
