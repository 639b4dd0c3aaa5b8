export { type Backoff, type BackoffPolicy, backoffDelay } from "./backoff.js";
export { type Bus, type BusOptions, connectBus } from "./bus.js";
export {
  type ConsumerSettings,
  type ConsumerSettingsInput,
  consumerSettingsSchema,
  type NatsConfig,
  type NatsConfigInput,
  natsConfigSchema,
  parseNatsConfig,
  type StreamSettings,
  type StreamSettingsInput,
  streamSettingsFor,
  streamSettingsSchema,
} from "./config.js";
export type { BusAuth, BusTls, ConnectionSettings } from "./connection-options.js";
export type { BusCounters } from "./counters.js";
export type {
  DeadLetterSink,
  DeliveryFailure,
  EventContext,
  EventHandler,
  FailureKind,
} from "./delivery.js";
export {
  type DesiredConsumer,
  type DesiredState,
  type DesiredStream,
  desiredFromEvents,
  desiredFromManifest,
} from "./desired-state.js";
export { formatDuration, parseDuration } from "./duration.js";
export {
  createIdempotentConsumer,
  type IdempotencyOptions,
  type IdempotentConsumer,
} from "./idempotent-consumer.js";
export { durableName } from "./naming.js";
export {
  applyPlan,
  formatPlan,
  ProvisioningConflictError,
  type ProvisioningPlan,
  planProvisioning,
} from "./provisioning.js";
export type { PublishOptions, PublishResult } from "./publisher.js";
export { createRpc, type HasNatsConnection } from "./rpc/create-rpc.js";
export {
  createRpcDeduplicator,
  type RpcDeduplicator,
  type RpcDeduplicatorOptions,
  type RpcMethodHandler,
} from "./rpc/rpc-deduplicator.js";
export { RpcMetadataKey } from "./rpc/rpc-metadata.js";
export type { RpcOptions, RpcRetryPolicy } from "./rpc/rpc-options.js";
export type {
  NatsRpcTransport,
  RpcCallOptions,
  RpcHandler,
  RpcHandlerContext,
  RpcRegistration,
} from "./rpc-transport.js";
export {
  type ChangeKind,
  consumerConfigOf,
  diffConsumer,
  diffStream,
  type PlannedChange,
  streamConfigOf,
} from "./stream-diff.js";
export type { SubscribeOptions, Subscription } from "./subscription-options.js";
