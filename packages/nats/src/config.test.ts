import { describe, expect, it } from "vitest";
import { parseNatsConfig, streamSettingsFor } from "./config.js";
import { formatDuration, parseDuration } from "./duration.js";

describe("nats config section", () => {
  it("fills every default", () => {
    const c = parseNatsConfig({});
    expect(c.streams).toEqual({
      replicas: 1,
      storage: "file",
      duplicateWindow: 120_000,
      maxAge: 0,
      maxBytes: -1,
      maxMsgs: -1,
      maxMsgSize: -1,
      discard: "old",
    });
    expect(c.consumers).toEqual({ ackWait: 30_000, maxDeliver: 10, maxAckPending: 1000 });
    expect(c.streamOverrides).toEqual({});
  });

  it("reads durations and per-stream overrides", () => {
    const c = parseNatsConfig({
      servers: ["nats://a:4222", "nats://b:4222"],
      streams: { replicas: 3, duplicateWindow: "5m", maxAge: "7d" },
      streamOverrides: { AUDIT: { maxAge: "30d" } },
    });
    expect(c.streams.duplicateWindow).toBe(300_000);
    expect(streamSettingsFor(c, "AUDIT")).toMatchObject({ replicas: 3, maxAge: 30 * 86_400_000 });
    expect(streamSettingsFor(c, "ORDERS").maxAge).toBe(7 * 86_400_000);
  });

  it("names the bad field and the origin", () => {
    expect(() =>
      parseNatsConfig({ streams: { replicas: 7, duplicateWindow: "soon" } }, "/x/contractkit.yaml"),
    ).toThrow(
      /\/x\/contractkit.yaml: invalid "nats" section:\n {2}nats\.streams\.replicas: .*\n {2}nats\.streams\.duplicateWindow: duration "soon" is not understood/,
    );
    expect(() => parseNatsConfig({ stream: {} })).toThrow(
      /nats\.: Unrecognized key: "stream"|stream/,
    );
  });
});

describe("durations", () => {
  it("parses units and sums", () => {
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration(42)).toBe(42);
    expect(() => parseDuration("3 weeks")).toThrow(/not understood/);
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(0)).toBe("unlimited");
  });
});
