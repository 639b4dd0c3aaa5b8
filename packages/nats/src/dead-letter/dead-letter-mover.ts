import { Code, ContractError } from "@contractkit/core";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { DeadLetterSink, DeliveryFailure } from "../delivery.js";
import { toMsgHdrs } from "../message-headers.js";
import { messageOf } from "../nats-errors.js";
import { type DeadLetterInput, deadLetterHeaders, deadLetterMsgId } from "./dead-letter-record.js";
import { type DeadLetterSettings, deadLetterSubject } from "./dead-letter-settings.js";

export interface MoveResult {
  /** The dead letter's sequence in the dead-letter stream. */
  readonly seq: number;
  /** True when the stream already held it (a move retried after a crash). */
  readonly duplicate: boolean;
}

/**
 * Step 1 and 2 of a move: publishes the dead letter with
 * `Nats-Msg-Id = dlq:<stream>:<seq>:<consumer>` and waits for the stream's ack. The
 * caller terms the original only after this resolves (step 3): a process that dies in
 * between leaves the original to be redelivered, and moving it again is de-duplicated.
 */
export async function moveToDeadLetters(
  js: JetStreamClient,
  settings: DeadLetterSettings,
  input: DeadLetterInput,
  timeoutMs = 5000,
): Promise<MoveResult> {
  const subject = deadLetterSubject(settings, input.stream, input.consumer);
  try {
    const ack = await js.publish(subject, input.data, {
      msgID: deadLetterMsgId(input),
      headers: toMsgHdrs(deadLetterHeaders(input)),
      timeout: timeoutMs,
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  } catch (err) {
    throw new ContractError(
      Code.UNAVAILABLE,
      `cannot store the dead letter of ${input.stream}#${input.streamSequence} (consumer ${input.consumer}) in stream ${settings.stream}: ${messageOf(err)}; the original stays in its stream and is retried (is the stream provisioned? see ensureDeadLetterStreams)`,
      { cause: err },
    );
  }
}

/** What the subscriber reports, as a dead letter. */
export function failureToDeadLetter(failure: DeliveryFailure, replaySeq?: number): DeadLetterInput {
  if (
    failure.stream === undefined ||
    failure.streamSequence === undefined ||
    failure.consumer === undefined
  ) {
    throw new Error(`dead letters: ${failure.subject} did not come from a JetStream consumer`);
  }
  return {
    kind: failure.kind,
    code: failure.error.code,
    error: failure.error.rawMessage,
    subject: failure.subject,
    data: failure.data,
    headers: failure.headers,
    stream: failure.stream,
    streamSequence: failure.streamSequence,
    consumer: failure.consumer,
    deliveryCount: failure.deliveryCount,
    at: failure.at,
    ...(replaySeq === undefined ? {} : { replaySeq }),
  };
}

/** A `DeadLetterSink` for `subscribe({ deadLetter })` that moves to the dead-letter stream. */
export function createDeadLetterSink(
  js: JetStreamClient,
  settings: DeadLetterSettings,
  replaySeq?: number,
): DeadLetterSink {
  return async (failure) => {
    await moveToDeadLetters(js, settings, failureToDeadLetter(failure, replaySeq));
  };
}
