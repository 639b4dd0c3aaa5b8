import { Code, ContractError, type EventDefinition, type Manifest } from "@contractkit/core";
import { type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { BusRuntime } from "./bus-runtime.js";
import { type NatsConfigInput, parseNatsConfig } from "./config.js";
import { type ConnectionSettings, toConnectionOptions } from "./connection-options.js";
import { type BusCounters, emptyCounters } from "./counters.js";
import {
  type DeadLetterSettingsInput,
  resolveDeadLetterSettings,
} from "./dead-letter/dead-letter-settings.js";
import { subscribeWithDeadLetters } from "./dead-letter/replay-subscriber.js";
import type { EventHandler } from "./delivery.js";
import { desiredFromEvents, desiredFromManifest } from "./desired-state.js";
import { messageOf } from "./nats-errors.js";
import { applyPlan, planProvisioning } from "./provisioning.js";
import {
  type PublishOptions,
  type PublishResult,
  publishEvent,
  type StreamLimitCache,
} from "./publisher.js";
import type { PlannedChange } from "./stream-diff.js";
import { subscribeCore, subscribeStream } from "./subscriber.js";
import type { SubscribeOptions, Subscription } from "./subscription-options.js";
import { loadTelemetry } from "./telemetry.js";

export interface BusOptions extends ConnectionSettings {
  /** `ce-source` of published events (default `name`, else `contractkit`). */
  source?: string;
  /** How long a JetStream publish keeps retrying with the same id (default 30 000 ms). */
  publishTimeoutMs?: number;
  /** How long one JetStream publish attempt waits for the ack (default 5000 ms). */
  publishAttemptTimeoutMs?: number;
  /** Create OpenTelemetry spans and counters when `@opentelemetry/api` is installed (default true). */
  telemetry?: boolean;
  /**
   * The message hospital (default off): stream subscriptions move messages that can
   * never succeed to the dead-letter stream and take replays addressed to them. `true`
   * uses the default stream names; the streams must exist (`contractkit hospital init`).
   */
  deadLetters?: boolean | DeadLetterSettingsInput;
}

/** A connection to NATS that publishes and consumes contract events. */
export interface Bus extends AsyncDisposable {
  /** The underlying nats.js connection (for what the bus does not cover). */
  readonly connection: NatsConnection;
  /**
   * Validates, encodes and sends an event. Stream-backed events resolve with the stream
   * sequence once stored; other events once handed to the connection.
   */
  publish<T>(
    event: EventDefinition<T>,
    message: T,
    options?: PublishOptions,
  ): Promise<PublishResult>;
  /** Consumes an event: a durable pull consumer for stream-backed events, else a core subscription. */
  subscribe<T, K extends string>(
    event: EventDefinition<T, K>,
    handler: EventHandler<T, K>,
    options?: SubscribeOptions<K>,
  ): Promise<Subscription>;
  /**
   * Creates or updates the streams (and, for a manifest, the consumers) the contract
   * declares, like `contractkit nats apply`. For tests and development: services do not
   * need admin rights at start-up. Throws `ProvisioningConflictError` on a conflict.
   */
  ensureStreams(
    target:
      | Manifest
      | readonly Pick<EventDefinition<unknown>, "typeName" | "stream" | "subjectFor">[],
    config?: NatsConfigInput,
  ): Promise<PlannedChange[]>;
  /** A JetStream manager on this connection. */
  manager(): Promise<JetStreamManager>;
  /** A snapshot of the counters. */
  counters(): BusCounters;
  /** Stops subscriptions, lets running handlers finish, flushes, then closes. */
  drain(): Promise<void>;
  /** Closes at once (pending publishes fail). */
  close(): Promise<void>;
}

/** Connects to NATS. Reconnects without limit by default. */
export async function connectBus(options: BusOptions): Promise<Bus> {
  const deadLetters = options.deadLetters
    ? resolveDeadLetterSettings(options.deadLetters === true ? {} : options.deadLetters)
    : undefined;
  let nc: NatsConnection;
  try {
    nc = await connect(toConnectionOptions(options));
  } catch (err) {
    throw connectError(options, err);
  }
  const telemetry = await loadTelemetry(options.telemetry ?? true);
  let manager: Promise<JetStreamManager> | undefined;
  const rt: BusRuntime = {
    nc,
    js: jetstream(nc),
    jsm: () => {
      // No account-info round trip: a service without admin rights can still use it.
      manager ??= jetstreamManager(nc, { checkAPI: false }).catch((err: unknown) => {
        manager = undefined;
        throw err;
      });
      return manager;
    },
    source: options.source ?? options.name ?? "contractkit",
    counters: emptyCounters(),
    telemetry,
    publishAttemptTimeoutMs: options.publishAttemptTimeoutMs ?? 5000,
    publishTimeoutMs: options.publishTimeoutMs ?? 30_000,
  };
  const limits: StreamLimitCache = new Map();
  const subscriptions = new Set<Subscription>();

  const stopAll = async () => {
    await Promise.all([...subscriptions].map((s) => s.stop()));
  };

  const bus: Bus = {
    connection: nc,
    publish: (event, message, opts) => publishEvent(rt, limits, event, message, opts),
    async subscribe(event, handler, opts = {}) {
      const sub = !event.stream
        ? subscribeCore(rt, event, handler, opts)
        : deadLetters
          ? await subscribeWithDeadLetters(rt, deadLetters, event, handler, opts)
          : await subscribeStream(rt, event, handler, opts);
      subscriptions.add(sub);
      void sub.closed.finally(() => subscriptions.delete(sub)).catch(() => undefined);
      return sub;
    },
    async ensureStreams(target, config) {
      const cfg = parseNatsConfig(config ?? {}, "ensureStreams");
      const desired = Array.isArray(target)
        ? desiredFromEvents(target, cfg)
        : desiredFromManifest(target as Manifest, cfg);
      const jsm = await rt.jsm();
      const plan = await planProvisioning(jsm, desired);
      limits.clear();
      return applyPlan(jsm, plan);
    },
    manager: () => rt.jsm(),
    counters: () => ({ ...rt.counters }),
    async drain() {
      await stopAll();
      if (!nc.isClosed()) await nc.drain();
    },
    async close() {
      if (!nc.isClosed()) await nc.close();
      await stopAll();
    },
    [Symbol.asyncDispose]: () => bus.drain(),
  };
  return bus;
}

function connectError(options: BusOptions, err: unknown): ContractError {
  const servers =
    typeof options.servers === "string" ? options.servers : options.servers.join(", ");
  const msg = messageOf(err);
  if (
    /authoriz|authentic|auth/i.test(msg) ||
    (err as { name?: string })?.name === "AuthorizationError"
  ) {
    return new ContractError(
      Code.UNAUTHENTICATED,
      `cannot connect to ${servers}: the server refused the credentials (${msg}); check the user/password, token, nkey seed or .creds file`,
      { cause: err },
    );
  }
  if (/tls|certificate|ssl|self.signed/i.test(msg)) {
    return new ContractError(
      Code.UNAVAILABLE,
      `cannot connect to ${servers}: TLS failed (${msg}); check tls.caFile (the CA that signed the server certificate) and whether the server requires TLS`,
      { cause: err },
    );
  }
  return new ContractError(Code.UNAVAILABLE, `cannot connect to ${servers}: ${msg}`, {
    cause: err,
  });
}
