import { StorageType } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { Bus } from "./bus.js";
import type { EventHandler } from "./delivery.js";
import { messageOf } from "./nats-errors.js";

/**
 * Delivery is at least once. This helper applies each `ce-id` once: after the handler
 * succeeds it records the id in a JetStream KV bucket (with a TTL), and a redelivered
 * event whose id is recorded is acked without running the handler again.
 *
 * The record is written after the work, so a process that dies between the two runs
 * the work again on redelivery: make the work itself idempotent where that matters, or
 * keep the record in the same transaction as the work. A handler that outlives
 * `ackWait` can be redelivered to another instance while it still runs.
 */
export interface IdempotencyOptions {
  /** KV bucket (default `ck_idempotency`); created if missing. */
  bucket?: string;
  /** How long an id is remembered (default 24 h). Longer than any redelivery can take. */
  ttlMs?: number;
  /** Bucket replicas (default 1). */
  replicas?: number;
  /** Keeps the ids of different consumers apart (default `default`), e.g. the durable name. */
  scope?: string;
  /** How long to keep retrying the record write, e.g. across a server restart (default 60 s). */
  recordTimeoutMs?: number;
}

export interface IdempotentConsumer {
  /** Runs `work` unless `id` was applied; resolves true when it ran now. */
  once(id: string, work: () => Promise<void> | void): Promise<boolean>;
  /** True when `id` was applied (within the TTL). */
  applied(id: string): Promise<boolean>;
  /** A handler that runs `handler` once per `ce-id`. */
  wrap<T, K extends string>(handler: EventHandler<T, K>): EventHandler<T, K>;
}

const KEY_OK = /^[-/_=.a-zA-Z0-9]+$/;

export async function createIdempotentConsumer(
  bus: Bus,
  options: IdempotencyOptions = {},
): Promise<IdempotentConsumer> {
  const bucket = options.bucket ?? "ck_idempotency";
  const scope = options.scope ?? "default";
  if (!KEY_OK.test(scope) || scope.includes(".")) {
    throw new Error(`idempotency scope "${scope}" must use letters, digits, "-", "_" or "=" only`);
  }
  const kv: KV = await new Kvm(bus.connection).create(bucket, {
    ttl: options.ttlMs ?? 86_400_000,
    history: 1,
    replicas: options.replicas ?? 1,
    storage: StorageType.File,
  });
  const recordTimeout = options.recordTimeoutMs ?? 60_000;
  const inFlight = new Map<string, Promise<boolean>>();

  const keyOf = (id: string) => {
    if (!id) throw new Error("idempotent consumer: the event has no ce-id");
    const safe = KEY_OK.test(id) ? id : Buffer.from(id).toString("base64url");
    return `${scope}.${safe}`;
  };

  const applied = async (id: string) => {
    const entry = await kv.get(keyOf(id));
    return entry !== null && entry.operation === "PUT";
  };

  const record = async (key: string) => {
    const deadline = Date.now() + recordTimeout;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        await kv.put(key, "1");
        return;
      } catch (err) {
        last = err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(
      `idempotent consumer: could not record ${key} in bucket ${bucket}: ${messageOf(last)}`,
      {
        cause: last,
      },
    );
  };

  const once = (id: string, work: () => Promise<void> | void): Promise<boolean> => {
    const key = keyOf(id);
    // A redelivery that arrives while this process still applies the same id waits for it.
    const running = inFlight.get(key);
    if (running) return running.then(() => false);
    const p = (async () => {
      if (await applied(id)) return false;
      await work();
      await record(key);
      return true;
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
    return p;
  };

  return {
    once,
    applied,
    wrap:
      <T, K extends string>(handler: EventHandler<T, K>): EventHandler<T, K> =>
      async (message, ctx) => {
        await once(ctx.id, () => handler(message, ctx));
      },
  };
}
