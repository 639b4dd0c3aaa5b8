import type * as z from "zod";
import type { Violation } from "./validation.js";

/**
 * The typed building blocks that `protoc-gen-contractkit` emits into `<file>.contract.ts`
 * and the runtimes consume. Each wraps a ts-proto message type.
 */

/** Binary codec of a ts-proto message. */
export interface MessageCodec<T> {
  encode(message: T): Uint8Array;
  decode(bytes: Uint8Array): T;
}

/** A message type: name, codec and validation. */
export interface MessageType<T> {
  /** Full Protobuf name, e.g. `musiccorp.orders.v1.OrderPlaced`. */
  readonly typeName: string;
  readonly codec: MessageCodec<T>;
  /** zod schema of ts-proto's TypeScript shape, with the contract's validation rules. */
  readonly schema: z.ZodType<T>;
  /**
   * Rules zod cannot express (CEL); only present when the message has some. Declared as a
   * method so a `MessageType<Foo>` is assignable to `MessageType<unknown>` (method tables).
   */
  extraRules?(value: T): Violation[];
  /** Paths of fields marked `sensitive` (redacted in logs and the hospital view). */
  readonly sensitiveFields: readonly string[];
}

/** How a subject token's value is rendered. */
export type TokenKind = "string" | "integer" | "enum";

export interface SubjectToken {
  /** The proto field name used in the template, e.g. `customer_id`. */
  readonly field: string;
  /** ts-proto's property name, e.g. `customerId`. */
  readonly key: string;
  readonly kind: TokenKind;
  /** Enum tokens: number → name. */
  readonly enumNames?: Readonly<Record<number, string>>;
}

export type TokenValues<K extends string> = { readonly [P in K]?: string | number };

/** An event: a message published on a subject, persisted when it names a stream. */
export interface EventDefinition<T, K extends string = string> extends MessageType<T> {
  readonly kind: "event";
  /** The subject template, e.g. `musiccorp.orders.{customer_id}.placed`. */
  readonly subjectTemplate: string;
  /** The JetStream stream that persists it; undefined for core NATS. */
  readonly stream: string | undefined;
  readonly tokens: readonly SubjectToken[];
  /** The concrete subject for a message. Throws INVALID_ARGUMENT for a bad token value. */
  subject(message: T): string;
  /**
   * A subscription subject: tokens given are fixed, the rest are `*`.
   * `subjectFor({ customerId: "c-1" })` → `musiccorp.orders.c-1.placed`.
   */
  subjectFor(values?: TokenValues<K>): string;
  /** The token values of a concrete subject, or undefined when it does not match. */
  parseSubject(subject: string): Record<K, string> | undefined;
}

export type IdempotencyLevel = "IDEMPOTENCY_UNKNOWN" | "NO_SIDE_EFFECTS" | "IDEMPOTENT";

export type StreamingKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** A method as both runtimes see it. */
export interface MethodDefinition<I = unknown, O = unknown> {
  /** ts-proto's method name (lower camel case), e.g. `placeOrder`. */
  readonly name: string;
  /** The proto method name, e.g. `PlaceOrder`. */
  readonly protoName: string;
  readonly kind: StreamingKind;
  readonly input: MessageType<I>;
  readonly output: MessageType<O>;
  /** Default deadline from `(contractkit.v1.method).timeout_ms`; undefined: client default. */
  readonly timeoutMs: number | undefined;
  readonly idempotency: IdempotencyLevel;
  /** NATS transport: answered later through JetStream. */
  readonly longRunning: boolean;
}

/** A gRPC-transport service: what the gRPC runtime needs beyond ts-proto's output. */
export interface GrpcServiceTable {
  readonly kind: "grpc-service";
  /** e.g. `musiccorp.orders.v1.OrderService`. */
  readonly typeName: string;
  /** Methods keyed by ts-proto's name; each also carries its path. */
  readonly methods: Readonly<Record<string, MethodDefinition & { readonly path: string }>>;
  /** The serialized FileDescriptorSet of the service's file and its imports (reflection). */
  fileDescriptorSet(): Uint8Array;
}

/** A NATS-transport service. */
export interface NatsServiceDefinition {
  readonly kind: "nats-service";
  readonly typeName: string;
  /** Requests for method `M` go to `<subjectPrefix>.M`. */
  readonly subjectPrefix: string;
  readonly queueGroup: string;
  readonly methods: Readonly<Record<string, MethodDefinition & { readonly subject: string }>>;
}
