import { createHash } from "node:crypto";
import { Code, ContractError, type MethodDefinition, retryInfo } from "@contractkit/core";
import { StorageType } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { RpcHandlerContext } from "../rpc-transport.js";
import { connectionOf, type HasNatsConnection } from "./create-rpc.js";

/**
 * Handler-side de-duplication of retried calls by their idempotency key. A client retries
 * a call carrying a key when it saw UNAVAILABLE; the first attempt may have done its work
 * already. The first attempt to arrive claims the key, runs the handler and stores the
 * encoded reply; a later attempt with the same key gets that reply without running the
 * handler again. A failed handler releases its claim, so a retry runs it again.
 *
 * The record lives in a JetStream KV bucket with a TTL rather than in memory, because
 * the retry usually reaches a different instance of the queue group than the first
 * attempt did, and because it must outlive a restart of the instance that did the work.
 * Attempts on one instance that overlap share one run in memory.
 */
export interface RpcDeduplicatorOptions {
  /** KV bucket (default `ck_rpc_idempotency`); created if missing. */
  bucket?: string;
  /** How long a key's reply is remembered (default 24 h): longer than any retry can take. */
  ttlMs?: number;
  /** Bucket replicas (default 1). */
  replicas?: number;
  /**
   * How long a claim of a running attempt holds off others (default 60 s). Meanwhile an
   * overlapping attempt is told UNAVAILABLE with a RetryInfo, so the client retries.
   */
  claimTimeoutMs?: number;
}

export type RpcMethodHandler<I, O> = (request: I, ctx: RpcHandlerContext) => Promise<O> | O;

export interface RpcDeduplicator {
  /**
   * The handler of `method`, run at most once per idempotency key (calls without a key
   * run as usual). The method's codecs store and restore the reply.
   */
  wrap<I, O>(
    method: MethodDefinition,
    handler: RpcMethodHandler<I, O>,
  ): (request: I, ctx: RpcHandlerContext) => Promise<O>;
}

const DONE = 0x44; // "D" + request hash + encoded reply
const RUNNING = 0x52; // "R" + request hash + claim time (epoch ms, decimal)
const HASH = 32;
const SAFE_KEY = /^[-_=a-zA-Z0-9]{1,128}$/;

export async function createRpcDeduplicator(
  target: NatsConnection | HasNatsConnection,
  options: RpcDeduplicatorOptions = {},
): Promise<RpcDeduplicator> {
  const nc = connectionOf(target);
  const kv: KV = await new Kvm(nc).create(options.bucket ?? "ck_rpc_idempotency", {
    ttl: options.ttlMs ?? 86_400_000,
    history: 1,
    replicas: options.replicas ?? 1,
    storage: StorageType.File,
  });
  const claimTimeout = options.claimTimeoutMs ?? 60_000;
  const running = new Map<string, Promise<unknown>>();

  const claimOrReply = async (
    key: string,
    hash: Buffer,
    method: MethodDefinition,
  ): Promise<{ claimed: number } | { reply: unknown }> => {
    for (let tries = 0; tries < 5; tries++) {
      const entry = await kv.get(key);
      const claim = Buffer.concat([Buffer.of(RUNNING), hash, Buffer.from(String(Date.now()))]);
      if (entry?.operation !== "PUT") {
        try {
          return { claimed: await kv.create(key, claim) };
        } catch {
          continue; // another attempt claimed it first: look again
        }
      }
      const value = entry.value;
      if (!hash.equals(value.subarray(1, 1 + HASH))) {
        throw new ContractError(
          Code.FAILED_PRECONDITION,
          "the idempotency key was already used for a different request",
        );
      }
      if (value[0] === DONE) return { reply: method.output.codec.decode(value.subarray(1 + HASH)) };
      const since = Number(Buffer.from(value.subarray(1 + HASH)).toString());
      const left = since + claimTimeout - Date.now();
      if (left > 0) {
        throw new ContractError(
          Code.UNAVAILABLE,
          "a call with this idempotency key is still running; retry later",
          { details: [retryInfo(Math.min(left, 1000))] },
        );
      }
      try {
        // The claim outlived its time-out: its holder died. Take it over.
        return { claimed: await kv.update(key, claim, entry.revision) };
      } catch {}
    }
    throw new ContractError(Code.UNAVAILABLE, "could not claim the idempotency key; retry later");
  };

  const runOnce = async <I, O>(
    method: MethodDefinition,
    handler: RpcMethodHandler<I, O>,
    request: I,
    ctx: RpcHandlerContext,
    key: string,
    hash: Buffer,
  ): Promise<O> => {
    const state = await claimOrReply(key, hash, method);
    if ("reply" in state) return state.reply as O;
    let reply: O;
    try {
      reply = await handler(request, ctx);
    } catch (err) {
      await kv.delete(key, { previousSeq: state.claimed }).catch(() => undefined);
      throw err;
    }
    const bytes = method.output.codec.encode(reply);
    await kv.put(key, Buffer.concat([Buffer.of(DONE), hash, bytes]));
    return reply;
  };

  return {
    wrap<I, O>(method: MethodDefinition, handler: RpcMethodHandler<I, O>) {
      const m = method;
      return async (request: I, ctx: RpcHandlerContext): Promise<O> => {
        const id = ctx.idempotencyKey;
        if (!id) return handler(request, ctx);
        const key = `${m.input.typeName}.${m.protoName}.${safeToken(id)}`;
        const hash = createHash("sha256").update(m.input.codec.encode(request)).digest();
        const local = `${key}#${hash.toString("hex")}`;
        const same = running.get(local);
        if (same) return (await same) as O;
        const run = runOnce(m, handler, request, ctx, key, hash);
        running.set(local, run);
        try {
          return await run;
        } finally {
          running.delete(local);
        }
      };
    },
  };
}

/** A KV key token for any idempotency key. */
function safeToken(id: string): string {
  return SAFE_KEY.test(id) ? id : `b64_${Buffer.from(id).toString("base64url")}`;
}
