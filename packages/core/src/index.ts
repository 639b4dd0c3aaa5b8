export { type CelRulesInit, celRules, type DescriptorSource, tsProtoPath } from "./cel-rules.js";
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
export { ContractError, type ContractErrorOptions, isContractError } from "./contract-error.js";
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
export { defineEvent, type EventSpec } from "./event.js";
export {
  type FastField,
  type FastKind,
  type FastOneof,
  type FastSpec,
  withFastCheck,
} from "./fast-check.js";
export {
  type BoolRuleSpec,
  type BytesRuleSpec,
  type EnumRuleSpec,
  type FieldRuleSpec,
  fieldRules,
  type NumberRuleSpec,
  type NumberType,
  type StringRuleSpec,
  type ValueRuleSpec,
} from "./field-rules.js";
export {
  childTraceparent,
  newTraceparent,
  parseTraceparent,
  type TraceParent,
  uuidv7,
} from "./ids.js";
export type {
  Manifest,
  ManifestEvent,
  ManifestMethod,
  ManifestSensitive,
  ManifestService,
  ManifestStream,
} from "./manifest.js";
export { type MessageOneofField, type MessageRuleSpec, messageRules } from "./message-rules.js";
export { orUndefined } from "./schema-helpers.js";
export { decodeStatus, encodeStatus, type StatusMessage } from "./status-codec.js";
export { isHostname, isIp, isUri, STRING_FORMATS, type StringFormat } from "./string-formats.js";
export {
  formatPath,
  formatViolations,
  type Validatable,
  type Violation,
  validate,
} from "./validation.js";
