export {
  type GrpcTestServer,
  type GrpcTestServerOptions,
  startGrpcTestServer,
} from "./grpc-server.js";
export {
  type NatsCluster,
  type NatsClusterOptions,
  type NatsServer,
  type NatsServerOptions,
  startNatsCluster,
  startNatsServer,
  waitForMetaLeader,
} from "./nats-server.js";
export {
  bufBinary,
  buildDescriptorSet,
  type CompileOptions,
  compileToRequest,
  contractKitProtoDir,
  type ProtoSources,
  runTsProto,
  TS_PROTO_PARAMETER,
  tsProtoBinary,
  writeResponseFiles,
} from "./plugin-harness.js";
