import { Code } from "@contractkit/core";
import { describe, expect, it } from "vitest";
import { deadLetterHeaders, deadLetterMsgId, parseDeadLetter } from "./dead-letter-record.js";

const input = {
  kind: "handler" as const,
  code: Code.FAILED_PRECONDITION,
  error: "line one\nline two",
  subject: "shop.orders.c-1.placed",
  data: new Uint8Array([1, 2, 3]),
  headers: {
    "ce-id": "id-1",
    "ce-type": "shop.v1.OrderPlaced",
    "Nats-Msg-Id": "id-1",
    "nats-expected-stream": "X",
  },
  stream: "ORDERS",
  streamSequence: 42,
  consumer: "billing",
  deliveryCount: 3,
  at: new Date("2026-01-02T03:04:05.000Z"),
};

describe("dead-letter record", () => {
  it("strips every Nats-* header, keeps the envelope, and reads back what went wrong", () => {
    const headers = deadLetterHeaders(input);
    expect(Object.keys(headers).filter((k) => /^nats-/i.test(k))).toEqual([]);
    expect(headers["ck-dlq-error"]).toBe("line one line two");
    const dl = parseDeadLetter({ seq: 7, time: new Date(), headers, data: input.data });
    expect(dl).toMatchObject({
      seq: 7,
      kind: "handler",
      code: Code.FAILED_PRECONDITION,
      codeName: "FAILED_PRECONDITION",
      stream: "ORDERS",
      streamSequence: 42,
      consumer: "billing",
      deliveryCount: 3,
      type: "shop.v1.OrderPlaced",
      id: "id-1",
      headers: { "ce-id": "id-1", "ce-type": "shop.v1.OrderPlaced" },
    });
    expect(dl.failedAt.toISOString()).toBe("2026-01-02T03:04:05.000Z");
  });

  it("names the move by stream, sequence and consumer (and the replay when there is one)", () => {
    expect(deadLetterMsgId(input)).toBe("dlq:ORDERS:42:billing");
    expect(deadLetterMsgId({ ...input, replaySeq: 9 })).toBe("dlq:ORDERS:42:billing:replay:9");
  });
});
