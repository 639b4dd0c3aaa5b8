/**
 * Type-level view of ts-proto's grpc-js service definition (`FooServiceService`): per
 * method its path, whether each side streams, and the (de)serializers whose parameter
 * and return types give the request and response types. The serializers are declared as
 * methods so any definition is assignable to the `unknown` defaults.
 */
export interface MethodDefinitionLike<I = unknown, O = unknown> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  requestSerialize(value: I): Buffer;
  requestDeserialize(bytes: Buffer): I;
  responseSerialize(value: O): Buffer;
  responseDeserialize(bytes: Buffer): O;
}

/** A service definition: ts-proto's `typeof FooServiceService`, or an interface like it. */
export type ServiceDefinitionLike<D = Record<string, MethodDefinitionLike>> = {
  readonly [K in keyof D]: MethodDefinitionLike;
};

export type RequestOf<M> = M extends { requestDeserialize(bytes: Buffer): infer I } ? I : never;
export type ResponseOf<M> = M extends { responseDeserialize(bytes: Buffer): infer O } ? O : never;

/** A stream of messages, given as an (async) iterable. */
export type MessageSource<T> = AsyncIterable<T> | Iterable<T>;
