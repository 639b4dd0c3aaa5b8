export {
  Code,
  type CodeName,
  codeName,
  codeToHttpStatus,
  httpStatusToCode,
  isCode,
  isRetryableCode,
  isRetryableForRpc,
  parseCode,
} from "./code.js";
export { ContractError, type ContractErrorOptions, isContractError } from "./contract-error.js";
export {
  type BadRequest,
  badRequest,
  type ErrorDetail,
  type ErrorInfo,
  errorInfo,
  type FieldViolation,
  type RetryInfo,
  retryInfo,
  type UnknownDetail,
} from "./error-details.js";
export {
  type CallContext,
  correlationIdOrNew,
  currentContext,
  deadlineSignal,
  minDeadline,
  remainingMs,
  runWithContext,
  withContext,
} from "./context.js";
export {
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE_PROTOBUF,
  contextFromEnvelope,
  createEnvelope,
  type Envelope,
  type EnvelopeInput,
  Header,
  readEnvelope,
} from "./envelope.js";
export { childTraceparent, newTraceparent, parseTraceparent, type TraceParent, uuidv7 } from "./ids.js";
export type {
  EventDefinition,
  GrpcServiceTable,
  IdempotencyLevel,
  MessageCodec,
  MessageType,
  MethodDefinition,
  NatsServiceDefinition,
  StreamingKind,
  SubjectToken,
  TokenKind,
  TokenValues,
} from "./definitions.js";
export { defineEvent, type EventSpec } from "./event.js";
export type {
  Manifest,
  ManifestEvent,
  ManifestMethod,
  ManifestSensitive,
  ManifestService,
  ManifestStream,
} from "./manifest.js";
export { formatPath, formatViolations, type Validatable, validate, type Violation } from "./validation.js";
