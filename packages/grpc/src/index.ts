export { type ChannelOptions, createChannel, GrpcChannel } from "./channel.js";
export {
  type CallOptions,
  type ClientMethod,
  type ContractClient,
  createClient,
} from "./client.js";
export {
  type ClientTlsOptions,
  createChannelCredentials,
  createServerCredentials,
  type ServerTlsOptions,
} from "./credentials.js";
export type {
  MessageSource,
  MethodDefinitionLike,
  RequestOf,
  ResponseOf,
  ServiceDefinitionLike,
} from "./definition-types.js";
export {
  createEnvelopeInterceptor,
  type EnvelopeInterceptorOptions,
} from "./envelope-interceptor.js";
export { type FanOutOptions, type FanOutResults, fanOut } from "./fan-out.js";
export {
  fromServiceError,
  RETRY_PUSHBACK_TRAILER,
  type ServerErrorStatus,
  STATUS_DETAILS_TRAILER,
  toServerStatus,
} from "./grpc-status.js";
export type { HandlerContext } from "./handler-context.js";
export type { HandlerFor, ServiceImplementation } from "./handlers.js";
export { createReflection } from "./reflection.js";
export {
  type CloseResult,
  ContractServer,
  createServer,
  type ListenOptions,
  type ServerOptions,
} from "./server.js";
export {
  createServiceConfig,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type HedgingOptions,
  isRetrySafe,
  type MethodConfigJson,
  RETRYABLE_CODES,
  type RetryOptions,
  type ServiceConfigJson,
  type ServiceConfigOptions,
} from "./service-config.js";
