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
export {
  createDeadLetterSink,
  failureToDeadLetter,
  type MoveResult,
  moveToDeadLetters,
} from "./dead-letter/dead-letter-mover.js";
export {
  type DeadLetter,
  DeadLetterHeader,
  type DeadLetterInput,
  type DeadLetterKind,
  deadLetterMsgId,
} from "./dead-letter/dead-letter-record.js";
export {
  assertNoSubjectOverlap,
  type DeadLetterSettings,
  type DeadLetterSettingsInput,
  deadLetterSubject,
  replayDurable,
  replaySubject,
  resolveDeadLetterSettings,
} from "./dead-letter/dead-letter-settings.js";
export {
  ensureDeadLetterStreams,
  ensureReplayConsumer,
  hospitalStreamConfigs,
} from "./dead-letter/dead-letter-streams.js";
export {
  type DeadLetterSweeper,
  type SweeperOptions,
  startDeadLetterSweeper,
} from "./dead-letter/max-deliveries-sweeper.js";
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
export type { AuditRecord } from "./hospital/audit-log.js";
export {
  createHospital,
  type DeadLetterFilter,
  type Hospital,
  type HospitalActionOptions,
  type HospitalOptions,
  type ShownDeadLetter,
} from "./hospital/hospital.js";
export {
  type DecodedMessage,
  decoderFromTypes,
  type MessageDecoder,
  REDACTED,
  redact,
  toJsonSafe,
} from "./hospital/message-decoder.js";
export {
  createIdempotentConsumer,
  type IdempotencyOptions,
  type IdempotentConsumer,
} from "./idempotent-consumer.js";
export {
  createLongRunningCaller,
  type LongRunningCaller,
  type LongRunningCallerOptions,
} from "./long-running/long-running-caller.js";
export type {
  LongRunningListener,
  LongRunningOutcome,
  OutcomeHandler,
  SendOptions,
  SentRequest,
} from "./long-running/long-running-outcome.js";
export {
  type LongRunningRegistration,
  type LongRunningServerOptions,
  serveLongRunning,
} from "./long-running/long-running-server.js";
export {
  LongRunningHeader,
  type LongRunningSettings,
  type LongRunningSettingsInput,
  resolveLongRunningSettings,
} from "./long-running/long-running-settings.js";
export {
  ensureLongRunningStream,
  longRunningStreamConfig,
} from "./long-running/long-running-streams.js";
export type { PendingRequest } from "./long-running/pending-store.js";
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
