import type { MethodDefinition, NatsServiceDefinition } from "@contractkit/core";

/**
 * How a contract service shows up in the NATS micro discovery API (`$SRV.PING|INFO|STATS`,
 * `nats micro ls`). Micro names allow only letters, digits, `-` and `_`, so the service's
 * full Protobuf name is written with `_` for `.`; the exact contract names travel in the
 * metadata, which tools and the catalog read.
 */
export const RpcMetadataKey = {
  /** Full Protobuf name of the service, e.g. `musiccorp.warehouse.v1.WarehouseService`. */
  service: "contractkit.service",
  subjectPrefix: "contractkit.subject_prefix",
  queueGroup: "contractkit.queue_group",
  /** Full name of the method, e.g. `musiccorp.warehouse.v1.WarehouseService.ReserveStock`. */
  method: "contractkit.method",
  inputType: "contractkit.input_type",
  outputType: "contractkit.output_type",
  /** `IDEMPOTENT`, `NO_SIDE_EFFECTS` or `IDEMPOTENCY_UNKNOWN`. */
  idempotency: "contractkit.idempotency",
  /** The contract's default time-out; absent when the method has none. */
  timeoutMs: "contractkit.timeout_ms",
  longRunning: "contractkit.long_running",
} as const;

/** The micro service name of a contract service: `musiccorp_warehouse_v1_WarehouseService`. */
export function microServiceName(service: NatsServiceDefinition): string {
  return service.typeName.replace(/[^-\w]/g, "_");
}

/** The micro endpoint name of a method: its proto name, e.g. `ReserveStock`. */
export function microEndpointName(method: MethodDefinition): string {
  return method.protoName.replace(/[^-\w]/g, "_");
}

export function serviceMetadata(service: NatsServiceDefinition): Record<string, string> {
  return {
    [RpcMetadataKey.service]: service.typeName,
    [RpcMetadataKey.subjectPrefix]: service.subjectPrefix,
    [RpcMetadataKey.queueGroup]: service.queueGroup,
  };
}

export function endpointMetadata(
  service: NatsServiceDefinition,
  method: MethodDefinition,
): Record<string, string> {
  const md: Record<string, string> = {
    [RpcMetadataKey.service]: service.typeName,
    [RpcMetadataKey.method]: `${service.typeName}.${method.protoName}`,
    [RpcMetadataKey.inputType]: method.input.typeName,
    [RpcMetadataKey.outputType]: method.output.typeName,
    [RpcMetadataKey.idempotency]: method.idempotency,
    [RpcMetadataKey.longRunning]: String(method.longRunning),
  };
  if (method.timeoutMs !== undefined) md[RpcMetadataKey.timeoutMs] = String(method.timeoutMs);
  return md;
}
