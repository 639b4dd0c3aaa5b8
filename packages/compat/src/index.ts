export { type BufFinding, parseBufFindings, runBufBreaking } from "./buf-breaking.js";
export {
  type BreakingConfig,
  type BreakingException,
  breakingExceptionSchema,
  breakingSection,
} from "./config.js";
export {
  type BaselineKind,
  baselineKind,
  type LoadedContract,
  loadDirectory,
  loadGitRef,
  loadImageFile,
  type SourceOptions,
} from "./contract-source.js";
export { applyExceptions, type ExceptionSource } from "./exceptions.js";
export {
  type Acceptance,
  compareFindings,
  createFinding,
  type Finding,
  type FindingCategory,
  type FindingLocation,
  fingerprintOf,
  isBlocking,
} from "./finding.js";
export { compareContracts, type GateOptions, type GateResult, runGate } from "./gate.js";
export { GateInputError, isGateInputError } from "./gate-error.js";
export {
  bufRuleCategory,
  POLICY_NAMES,
  type Policy,
  type PolicyName,
  policyFor,
  RPC_SURFACE_RULES,
  WIRE_JSON_RULES,
} from "./policy.js";
export {
  changedFiles,
  comparisonSet,
  type RawImage,
  type RawImageFile,
  readRawImage,
  subsetImage,
} from "./raw-image.js";
export { ERROR_FORMATS, type ErrorFormat, formatResult } from "./reporters/format.js";
