export type { NatsRpcTransport, RpcCallOptions, RpcHandler, RpcHandlerContext, RpcRegistration } from "./rpc-transport.js";
