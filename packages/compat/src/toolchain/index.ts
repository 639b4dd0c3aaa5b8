// Internal toolchain shared by the CLI and the gate: not part of the public API.
export { bufBinary, contractkitProtoDir } from "./binaries.js";
export {
  type BufResult,
  type BuildOptions,
  type BuiltImage,
  buildImage,
  buildImageBytes,
  parseBufDiagnostics,
  runBuf,
} from "./build-image.js";
export {
  createCodeGeneratorRequest,
  isToolchainFile,
  runPluginProcess,
  TS_PROTO_PARAMETER,
} from "./code-generator.js";
export { isProtoInputError, type ProtoDiagnostic, ProtoInputError } from "./proto-error.js";
export { openProtoInput, type ProtoInput, type ProtoInputOptions } from "./proto-input.js";
export {
  defaultValidateProtoDir,
  materializeValidateProto,
  printProtoFile,
  printValidateProto,
} from "./validate-proto.js";
