export {
  buildDescriptorSet,
  bufBinary,
  type CompileOptions,
  compileToRequest,
  contractKitProtoDir,
  type ProtoSources,
  runTsProto,
  TS_PROTO_PARAMETER,
  tsProtoBinary,
  writeResponseFiles,
} from "./plugin-harness.js";
