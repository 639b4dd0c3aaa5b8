import {
  Code,
  ContractError,
  createEnvelope,
  formatViolations,
  type NatsServiceDefinition,
  readEnvelope,
  runWithContext,
  validate,
} from "@contractkit/core";
import { type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { backoffDelay } from "../backoff.js";
import { fromMsgHdrs, toMsgHdrs } from "../message-headers.js";
import type { RpcHandler, RpcHandlerContext } from "../rpc-transport.js";
import { ensureDurable, runLoop } from "./durable-consumer.js";
import {
  LongRunningHeader,
  type LongRunningSettingsInput,
  methodOf,
  requestSubject,
  resolveLongRunningSettings,
  serviceToken,
} from "./long-running-settings.js";
import { errorHeaders } from "./status-headers.js";

export interface LongRunningServerOptions extends LongRunningSettingsInput {
  /** `ce-source` of the answers (default the service's full name). */
  source?: string;
  /** How long a request may run without an ack before it is redelivered (default 5 min). */
  ackWaitMs?: number;
  /** Deliveries of a request whose handler fails with a retryable code (default 5). */
  maxDeliver?: number;
}

export interface LongRunningRegistration {
  stop(): Promise<void>;
}

/**
 * Long-running requests, responder side: a durable consumer per method, shared by every
 * instance of the service. The handler's result (or its ContractError) is published to
 * the caller's response subject with `Nats-Msg-Id = lr-res:<requestId>`, then the
 * request is acked: a responder that dies in between runs the request again and the
 * repeated answer is dropped by the stream. Retryable failures are retried with backoff
 * until the last delivery, which answers with the error.
 */
export async function serveLongRunning(
  bus: { readonly connection: NatsConnection },
  service: NatsServiceDefinition,
  handlers: Record<string, RpcHandler>,
  options: LongRunningServerOptions = {},
): Promise<LongRunningRegistration> {
  const s = resolveLongRunningSettings(options);
  const js = jetstream(bus.connection);
  const jsm = await jetstreamManager(bus.connection, { checkAPI: false });
  const maxDeliver = options.maxDeliver ?? 5;
  const source = options.source ?? service.typeName;
  const loops: Array<{ stop(): Promise<void> }> = [];

  for (const [name, handler] of Object.entries(handlers)) {
    const m = methodOf(service, name);
    const durable = `lr_${serviceToken(service)}_${m.protoName}`;
    const subject = requestSubject(s, service, m.protoName);
    await ensureDurable(jsm, s.stream, durable, subject, {
      ackWaitMs: options.ackWaitMs ?? 300_000,
      maxDeliver,
    });

    const answer = async (
      msg: JsMsg,
      headers: Record<string, string>,
      data: Uint8Array,
      extra: Record<string, string>,
    ) => {
      const requestId = headers[LongRunningHeader.requestId] ?? "";
      await js.publish(headers[LongRunningHeader.replyTo] as string, data, {
        msgID: `lr-res:${requestId}`,
        timeout: 5000,
        headers: toMsgHdrs({ ...extra, [LongRunningHeader.requestId]: requestId }),
      });
      msg.ack();
    };

    const handle = async (msg: JsMsg) => {
      const headers = fromMsgHdrs(msg.headers);
      if (!headers[LongRunningHeader.replyTo] || !headers[LongRunningHeader.requestId]) {
        msg.term();
        return;
      }
      const deadline = Date.parse(headers[LongRunningHeader.deadline] ?? "");
      if (Number.isFinite(deadline) && deadline <= Date.now()) {
        msg.ack(); // the caller has reported (or will report) the time-out itself
        return;
      }
      const envelope = readEnvelope((n) => headers[n]);
      const abort = new AbortController();
      const timer = Number.isFinite(deadline)
        ? setTimeout(
            () => abort.abort(new DOMException("the request's deadline passed", "TimeoutError")),
            deadline - Date.now(),
          )
        : undefined;
      timer?.unref?.();
      const ctx: RpcHandlerContext = {
        correlationId: envelope.correlationId,
        causationId: envelope.id,
        ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
        ...(Number.isFinite(deadline) ? { deadline } : {}),
        signal: abort.signal,
        headers,
        subject: msg.subject,
      };
      const fail = (error: ContractError) =>
        answer(msg, headers, new Uint8Array(), {
          ...createEnvelope({ type: m.output.typeName, source, context: ctx }),
          ...errorHeaders(error),
        });
      try {
        let request: unknown;
        try {
          request = m.input.codec.decode(msg.data);
        } catch (err) {
          return await fail(
            new ContractError(
              Code.INVALID_ARGUMENT,
              `not a valid ${m.input.typeName}: ${String(err)}`,
            ),
          );
        }
        const violations = validate(m.input, request);
        if (violations.length > 0) {
          return await fail(
            new ContractError(
              Code.INVALID_ARGUMENT,
              `the request breaks its contract: ${formatViolations(violations)}`,
            ),
          );
        }
        let output: unknown;
        try {
          output = await runWithContext(ctx, () => handler(request, ctx));
        } catch (err) {
          const error = ContractError.from(err);
          if (error.retryable && msg.info.deliveryCount < maxDeliver) {
            msg.nak(backoffDelay(undefined, msg.info.deliveryCount));
            return;
          }
          return await fail(error);
        }
        const outViolations = validate(m.output, output);
        if (outViolations.length > 0) {
          return await fail(
            new ContractError(
              Code.INTERNAL,
              `the answer breaks its contract: ${formatViolations(outViolations)}`,
            ),
          );
        }
        await answer(msg, headers, m.output.codec.encode(output), {
          ...createEnvelope({ type: m.output.typeName, source, context: ctx }),
        });
      } finally {
        if (timer) clearTimeout(timer);
      }
    };
    const messages = await (await js.consumers.get(s.stream, durable)).consume({
      max_messages: 2,
    });
    loops.push(runLoop(messages, (msg) => handle(msg).catch(() => msg.nak(1000))));
  }
  return {
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
}
