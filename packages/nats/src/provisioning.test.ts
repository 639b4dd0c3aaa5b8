import type { ConsumerConfig, StreamConfig } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import { parseNatsConfig } from "./config.js";
import type { DesiredConsumer, DesiredStream } from "./desired-state.js";
import { formatPlan } from "./provisioning.js";
import { consumerConfigOf, diffConsumer, diffStream, streamConfigOf } from "./stream-diff.js";

const settings = parseNatsConfig({ streams: { maxAge: "7d" } }).streams;
const desired: DesiredStream = {
  name: "ORDERS",
  subjects: ["o.*.placed", "o.*.shipped"],
  events: [],
  settings,
};
const onServer = (patch: Partial<StreamConfig> = {}) =>
  ({ ...streamConfigOf(desired), ...patch }) as StreamConfig;

describe("diffStream", () => {
  it("creates a missing stream with file storage, replicas and duplicate window", () => {
    const c = diffStream(desired, undefined);
    expect(c.kind).toBe("create");
    expect(c.streamConfig).toMatchObject({
      storage: "file",
      num_replicas: 1,
      duplicate_window: 120_000_000_000,
    });
  });

  it("is unchanged when the server matches", () => {
    expect(diffStream(desired, onServer()).kind).toBe("unchanged");
  });

  it("adds a new event subject and keeps subjects the contract dropped", () => {
    const c = diffStream(desired, onServer({ subjects: ["o.*.placed", "o.old"] }));
    expect(c.kind).toBe("update");
    expect(c.details).toContain("add subject o.*.shipped");
    expect(c.details).toContain("keeps subject o.old (not in the contract)");
    expect(c.streamConfig?.subjects).toEqual(["o.*.placed", "o.*.shipped", "o.old"]);
  });

  it("grows limits and changes replicas as updates", () => {
    const c = diffStream(desired, onServer({ max_age: 86_400_000_000_000, num_replicas: 3 }));
    expect(c.kind).toBe("update");
    expect(c.details).toEqual(["max age 1d → 7d", "replicas 3 → 1"]);
  });

  it("refuses to change storage or retention, or to shrink retention", () => {
    expect(
      diffStream(desired, onServer({ storage: "memory" as StreamConfig["storage"] })),
    ).toMatchObject({
      kind: "conflict",
      details: [expect.stringMatching(/storage is memory on the server and file in the contract/)],
    });
    expect(
      diffStream(desired, onServer({ retention: "workqueue" as StreamConfig["retention"] })).kind,
    ).toBe("conflict");
    const shrink = diffStream(desired, onServer({ max_age: 0 }));
    expect(shrink.kind).toBe("conflict");
    expect(shrink.details[0]).toMatch(
      /max age would shrink from unlimited to 7d, which deletes stored messages/,
    );
  });
});

describe("diffConsumer", () => {
  const consumer: DesiredConsumer = {
    stream: "ORDERS",
    durable: "svc-OrderPlaced",
    filterSubject: "o.*.placed",
    service: "svc",
    event: "x.OrderPlaced",
    settings: parseNatsConfig({}).consumers,
  };
  const actual = (patch: Partial<ConsumerConfig> = {}) =>
    ({ ...consumerConfigOf(consumer), ...patch }) as ConsumerConfig;

  it("creates, updates ack wait, refuses a new filter", () => {
    expect(diffConsumer(consumer, undefined).kind).toBe("create");
    expect(diffConsumer(consumer, actual()).kind).toBe("unchanged");
    expect(diffConsumer(consumer, actual({ ack_wait: 5_000_000_000 })).details).toEqual([
      "ack wait 5s → 30s",
    ]);
    const c = diffConsumer(consumer, actual({ filter_subject: "o.>" }));
    expect(c.kind).toBe("conflict");
    expect(c.details[0]).toMatch(/filter subject is o.> on the server/);
  });

  it("formats a plan", () => {
    const changes = [
      diffStream(desired, undefined),
      diffConsumer(consumer, actual({ filter_subject: "o.>" })),
    ];
    const text = formatPlan({ changes, conflicts: [changes[1] as never], pending: true });
    expect(text).toContain("+ stream ORDERS (create)");
    expect(text).toContain("! consumer ORDERS/svc-OrderPlaced (conflict)");
    expect(text).toContain("1 to create, 0 to update, 0 unchanged, 1 conflict(s)");
  });
});
