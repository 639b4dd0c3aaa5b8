import {
  Code,
  ContractError,
  contextFromEnvelope,
  createEnvelope,
  currentContext,
  formatViolations,
  Header,
  type NatsServiceDefinition,
  readEnvelope,
  runWithContext,
  validate,
} from "@contractkit/core";
import { type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { fromMsgHdrs, toMsgHdrs } from "../message-headers.js";
import { assertResourceName } from "../naming.js";
import { ensureDurable, runLoop } from "./durable-consumer.js";
import type {
  LongRunningListener,
  LongRunningOutcome,
  OutcomeBase,
  OutcomeHandler,
  SendOptions,
  SentRequest,
} from "./long-running-outcome.js";
import {
  LongRunningHeader,
  type LongRunningSettingsInput,
  methodOf,
  requestSubject,
  resolveLongRunningSettings,
  responseSubject,
  serviceToken,
} from "./long-running-settings.js";
import { type PendingRequest, PendingStore } from "./pending-store.js";
import { errorFromHeaders } from "./status-headers.js";

export interface LongRunningCallerOptions extends LongRunningSettingsInput {
  /** This caller, e.g. `orders`: its instances share the answers (letters, digits, `-`, `_`). */
  caller: string;
  /** How often pending requests are checked for a passed deadline (default 1000 ms). */
  sweepIntervalMs?: number;
  /** A time-out report claimed by an instance that died is retried after this (default 60 s). */
  claimLeaseMs?: number;
  /** Deliveries of an answer whose handler keeps failing (default 10). */
  maxDeliver?: number;
  /** Errors of the time-out sweep (it retries on the next round). */
  onError?: (error: Error) => void;
}

export interface LongRunningCaller {
  /** Sends and returns at once; the outcome reaches whichever instance listens. */
  send<I>(
    service: NatsServiceDefinition,
    method: string,
    request: I,
    options?: SendOptions,
  ): Promise<SentRequest>;
  /**
   * Takes the outcomes of this caller's requests to `service`, one handler per method.
   * Every instance may listen: each answer and each time-out is handled by one of them.
   */
  listen(
    service: NatsServiceDefinition,
    // biome-ignore lint/suspicious/noExplicitAny: handlers of different methods take different output types
    handlers: Record<string, OutcomeHandler<any>>,
  ): Promise<LongRunningListener>;
}

/**
 * Long-running requests, caller side: the request goes through JetStream, the pending
 * state into a KV bucket, and the answer comes back as a typed message on the caller's
 * response subject, which any instance of the caller can take.
 */
export async function createLongRunningCaller(
  bus: { readonly connection: NatsConnection },
  options: LongRunningCallerOptions,
): Promise<LongRunningCaller> {
  assertResourceName(options.caller, "long-running caller");
  const s = resolveLongRunningSettings(options);
  const nc = bus.connection;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const store = await PendingStore.open(nc, s);
  const caller = options.caller;
  const keyOf = (service: NatsServiceDefinition, protoName: string, id: string) =>
    `${caller}.${serviceToken(service)}.${protoName}.${id}`;

  const outcomeBase = (p: PendingRequest): OutcomeBase => ({
    requestId: p.requestId,
    correlationId: p.correlationId,
    method: p.method,
    context: p.context,
    sentAt: new Date(p.sentAt),
    deadline: new Date(p.deadline),
  });

  return {
    async send(service, method, request, opts = {}) {
      const m = methodOf(service, method);
      const violations = validate(m.input, request);
      if (violations.length > 0) {
        throw new ContractError(
          Code.INVALID_ARGUMENT,
          `${service.typeName}.${m.protoName} not sent, the request breaks its contract: ${formatViolations(violations)}`,
        );
      }
      const timeoutMs = opts.timeoutMs ?? m.timeoutMs ?? 3_600_000;
      if (timeoutMs <= 0 || timeoutMs > s.pendingTtlMs) {
        throw new ContractError(
          Code.INVALID_ARGUMENT,
          `time-out ${timeoutMs} ms is out of range: more than 0 and at most pendingTtlMs (${s.pendingTtlMs} ms)`,
        );
      }
      const envelope = createEnvelope({
        type: m.input.typeName,
        source: caller,
        context: currentContext(),
      });
      const requestId = envelope[Header.id] as string;
      const sentAt = new Date();
      const deadline = new Date(sentAt.getTime() + timeoutMs);
      const pending: PendingRequest = {
        requestId,
        correlationId: envelope[Header.correlationId] as string,
        service: service.typeName,
        method,
        sentAt: sentAt.toISOString(),
        deadline: deadline.toISOString(),
        context: opts.context ?? {},
        state: "pending",
      };
      const key = keyOf(service, m.protoName, requestId);
      // Pending first: an answer can never arrive before the state that matches it.
      await store.add(key, pending);
      try {
        await js.publish(requestSubject(s, service, m.protoName), m.input.codec.encode(request), {
          msgID: requestId,
          timeout: 5000,
          headers: toMsgHdrs({
            ...opts.headers,
            ...envelope,
            [LongRunningHeader.requestId]: requestId,
            [LongRunningHeader.replyTo]: responseSubject(s, caller, service, m.protoName),
            [LongRunningHeader.deadline]: deadline.toISOString(),
          }),
        });
      } catch (err) {
        const entry = await store.get(key).catch(() => undefined);
        if (entry) await store.finish(entry).catch(() => false);
        throw ContractError.from(err, Code.UNAVAILABLE);
      }
      return { requestId, correlationId: pending.correlationId, deadline };
    },

    async listen(service, handlers) {
      const byProto = new Map(
        Object.entries(handlers).map(([name, h]) => [
          methodOf(service, name).protoName,
          { name, h },
        ]),
      );
      const token = serviceToken(service);
      const durable = `lr_${caller}_${token}`;
      await ensureDurable(jsm, s.stream, durable, `${s.subjectPrefix}.res.${caller}.${token}.*`, {
        ackWaitMs: 30_000,
        maxDeliver: options.maxDeliver ?? 10,
      });
      const messages = await (await js.consumers.get(s.stream, durable)).consume({
        max_messages: 8,
      });

      const handleAnswer = async (msg: JsMsg) => {
        const h = fromMsgHdrs(msg.headers);
        const protoName = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
        const target = byProto.get(protoName);
        const requestId = h[LongRunningHeader.requestId] ?? "";
        if (!target || !requestId) {
          msg.term();
          return;
        }
        const entry = await store.get(keyOf(service, protoName, requestId));
        if (entry?.value.state !== "pending") {
          msg.ack(); // already answered, or reported as timed out: a late answer
          return;
        }
        const m = methodOf(service, target.name);
        let outcome: LongRunningOutcome<unknown>;
        const error = errorFromHeaders(h);
        if (error) {
          outcome = { ...outcomeBase(entry.value), kind: "error", error };
        } else {
          try {
            const response = m.output.codec.decode(msg.data);
            const violations = validate(m.output, response);
            outcome =
              violations.length === 0
                ? { ...outcomeBase(entry.value), kind: "response", response }
                : {
                    ...outcomeBase(entry.value),
                    kind: "error",
                    error: new ContractError(
                      Code.INTERNAL,
                      `the answer breaks its contract: ${formatViolations(violations)}`,
                    ),
                  };
          } catch (err) {
            outcome = {
              ...outcomeBase(entry.value),
              kind: "error",
              error: new ContractError(
                Code.INTERNAL,
                `the answer is not a valid ${m.output.typeName}: ${String(err)}`,
              ),
            };
          }
        }
        const ctx = contextFromEnvelope(readEnvelope((n) => h[n]));
        try {
          await runWithContext(ctx, () => target.h(outcome));
        } catch {
          msg.nak(Math.min(30_000, 1000 * msg.info.deliveryCount));
          return;
        }
        await store.finish(entry);
        msg.ack();
      };
      const answers = runLoop(messages, (msg) => handleAnswer(msg).catch(() => msg.nak(1000)));

      // The time-out sweep: any instance may report a passed deadline; a claim makes it one.
      const lease = options.claimLeaseMs ?? 60_000;
      const sweepOnce = async () => {
        const now = new Date();
        for (const key of await store.keys(`${caller}.${token}`)) {
          await timeOut(key, now).catch((err: unknown) =>
            options.onError?.(err instanceof Error ? err : new Error(String(err))),
          );
        }
      };
      const timeOut = async (key: string, now: Date) => {
        const entry = await store.get(key);
        if (!entry) return;
        const p = entry.value;
        const due =
          p.state === "pending"
            ? Date.parse(p.deadline) <= now.getTime()
            : Date.parse(p.claimedAt ?? p.deadline) + lease <= now.getTime();
        if (!due) return;
        const target = byProto.get(methodOf(service, p.method).protoName);
        if (!target) return;
        const claimed = await store.claim(entry, now);
        if (!claimed) return;
        const outcome: LongRunningOutcome<unknown> = {
          ...outcomeBase(p),
          kind: "timeout",
          error: new ContractError(
            Code.DEADLINE_EXCEEDED,
            `${service.typeName}.${methodOf(service, p.method).protoName} (request ${p.requestId}) got no answer by ${p.deadline}`,
          ),
        };
        await runWithContext({ correlationId: p.correlationId, causationId: p.requestId }, () =>
          target.h(outcome),
        );
        await store.finish(claimed);
      };
      let sweeping: Promise<void> | undefined;
      const timer = setInterval(() => {
        sweeping ??= sweepOnce()
          .catch((err: unknown) =>
            options.onError?.(err instanceof Error ? err : new Error(String(err))),
          )
          .finally(() => {
            sweeping = undefined;
          });
      }, options.sweepIntervalMs ?? 1000);
      timer.unref?.();

      return {
        async stop() {
          clearInterval(timer);
          await Promise.all([answers.stop(), sweeping]);
        },
      };
    },
  };
}
