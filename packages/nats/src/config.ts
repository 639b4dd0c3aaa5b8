import * as z from "zod";
import { parseDuration } from "./duration.js";

/**
 * The `nats:` section of `contractkit.yaml`: how to reach the servers and the settings
 * of the streams and consumers that `contractkit nats plan|apply` and
 * `bus.ensureStreams()` provision. Durations are milliseconds or strings (`30s`, `7d`).
 */
const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  try {
    return parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: "custom", message: (err as Error).message });
    return z.NEVER;
  }
});

/** A size limit in bytes; -1 (the default) means unlimited. */
const size = z.number().int().min(-1);

const streamFields = {
  /** Copies of each message across the cluster (1–5). */
  replicas: z.number().int().min(1).max(5),
  /** `file` (survives restarts; the default) or `memory`. */
  storage: z.enum(["file", "memory"]),
  /** How long a `Nats-Msg-Id` is remembered for de-duplication. */
  duplicateWindow: duration,
  /** Oldest message kept; 0 = no age limit. */
  maxAge: duration,
  maxBytes: size,
  maxMsgs: size,
  /** Largest message the stream accepts; checked before publish. */
  maxMsgSize: size,
  /** What happens at a limit: drop the `old`est messages or refuse `new` ones. */
  discard: z.enum(["old", "new"]),
};

export const streamSettingsSchema = z
  .object({
    replicas: streamFields.replicas.default(1),
    storage: streamFields.storage.default("file"),
    duplicateWindow: streamFields.duplicateWindow.default(120_000),
    maxAge: streamFields.maxAge.default(0),
    maxBytes: streamFields.maxBytes.default(-1),
    maxMsgs: streamFields.maxMsgs.default(-1),
    maxMsgSize: streamFields.maxMsgSize.default(-1),
    discard: streamFields.discard.default("old"),
  })
  .strict();

const streamOverrideSchema = z.object(streamFields).partial().strict();

export type StreamSettings = z.output<typeof streamSettingsSchema>;
export type StreamSettingsInput = z.input<typeof streamSettingsSchema>;

export const consumerSettingsSchema = z
  .object({
    /** How long the server waits for an ack before redelivering. */
    ackWait: duration.default(30_000),
    /** Deliveries before the server stops redelivering (-1 = unlimited). */
    maxDeliver: z.number().int().min(-1).default(10),
    /** Unacked messages the consumer may have outstanding. */
    maxAckPending: z.number().int().min(1).default(1000),
  })
  .strict();

export type ConsumerSettings = z.output<typeof consumerSettingsSchema>;
export type ConsumerSettingsInput = z.input<typeof consumerSettingsSchema>;

const authSchema = z.union([
  z.object({ user: z.string().min(1), password: z.string() }).strict(),
  z.object({ token: z.string().min(1) }).strict(),
  z.object({ nkeySeedFile: z.string().min(1) }).strict(),
  z.object({ credsFile: z.string().min(1) }).strict(),
]);

const tlsSchema = z
  .object({
    caFile: z.string().optional(),
    certFile: z.string().optional(),
    keyFile: z.string().optional(),
    handshakeFirst: z.boolean().optional(),
  })
  .strict();

export const natsConfigSchema = z
  .object({
    /** One URL or a list (a whole cluster). Default: `$NATS_URL`, then nats://127.0.0.1:4222. */
    servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Client name shown by the server, and the default `ce-source`. */
    name: z.string().min(1).optional(),
    auth: authSchema.optional(),
    tls: tlsSchema.optional(),
    /** Defaults for every stream the contract declares. */
    streams: streamSettingsSchema.prefault({}),
    /** Per-stream overrides, keyed by stream name. */
    streamOverrides: z.record(z.string(), streamOverrideSchema).default({}),
    /** Defaults for every durable consumer. */
    consumers: consumerSettingsSchema.prefault({}),
  })
  .strict();

export type NatsConfig = z.output<typeof natsConfigSchema>;
export type NatsConfigInput = z.input<typeof natsConfigSchema>;

/**
 * Parses the `nats:` section; the error names each bad field (`nats.streams.replicas`)
 * and what it expected.
 */
export function parseNatsConfig(section: unknown, origin = "contractkit.yaml"): NatsConfig {
  const result = natsConfigSchema.safeParse(section ?? {});
  if (result.success) return result.data;
  const lines = result.error.issues.map(
    (i) => `  nats.${i.path.map(String).join(".")}: ${i.message}`,
  );
  throw new Error(`${origin}: invalid "nats" section:\n${lines.join("\n")}`);
}

/** The settings of one stream: the defaults with its overrides applied. */
export function streamSettingsFor(config: NatsConfig, stream: string): StreamSettings {
  const override = config.streamOverrides[stream] ?? {};
  return { ...config.streams, ...(stripUndefined(override) as Partial<StreamSettings>) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
