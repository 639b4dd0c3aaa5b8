export { type GenerateOnceOptions, generateOnce } from "./generate-once.js";
export {
  type GrpcTestServer,
  type GrpcTestServerOptions,
  startGrpcTestServer,
} from "./grpc-server.js";
export {
  type NatsCluster,
  type NatsClusterOptions,
  startNatsCluster,
  waitForMetaLeader,
} from "./nats-cluster.js";
export { type NatsServer, type NatsServerOptions, startNatsServer } from "./nats-server.js";
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
