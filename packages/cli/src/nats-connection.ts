import { existsSync } from "node:fs";
import {
  type Bus,
  type BusAuth,
  type BusTls,
  connectBus,
  type NatsConfig,
  parseNatsConfig,
} from "@contractkit/nats";
import { CliError } from "./cli-error.js";
import { CONFIG_FILE, loadConfig } from "./config.js";

/** Connection flags shared by the verbs that talk to NATS (`nats`, `hospital`). */
export interface NatsConnectionFlags {
  server?: string[] | undefined;
  user?: string | undefined;
  password?: string | undefined;
  token?: string | undefined;
  nkey?: string | undefined;
  creds?: string | undefined;
  "tls-ca"?: string | undefined;
}

/** The parseArgs options for `NatsConnectionFlags`. */
export const natsConnectionOptions = {
  server: { type: "string", multiple: true },
  user: { type: "string" },
  password: { type: "string" },
  token: { type: "string" },
  nkey: { type: "string" },
  creds: { type: "string" },
  "tls-ca": { type: "string" },
} as const;

/** The `nats:` section of contractkit.yaml, parsed (CK_CONFIG_INVALID when it is wrong). */
export function loadNatsConfig(): NatsConfig {
  try {
    return parseNatsConfig(loadConfig().nats ?? {}, CONFIG_FILE);
  } catch (err) {
    throw new CliError("CK_CONFIG_INVALID", (err as Error).message, 2, { cause: err });
  }
}

/** Servers from the flags, else contractkit.yaml, else $NATS_URL, else the local default. */
export function serversOf(flags: NatsConnectionFlags, config: NatsConfig): string | string[] {
  return flags.server?.length
    ? flags.server
    : (config.servers ?? process.env.NATS_URL ?? "nats://127.0.0.1:4222");
}

/** Credentials and TLS from the flags, else contractkit.yaml. */
export function credentials(
  flags: NatsConnectionFlags,
  config: NatsConfig,
): { auth?: BusAuth; tls?: BusTls } {
  const out: { auth?: BusAuth; tls?: BusTls } = {};
  if (flags.user !== undefined) out.auth = { user: flags.user, password: flags.password ?? "" };
  else if (flags.token !== undefined) out.auth = { token: flags.token };
  else if (flags.nkey !== undefined) out.auth = { nkeySeedFile: flags.nkey };
  else if (flags.creds !== undefined) out.auth = { credsFile: flags.creds };
  else if (config.auth) {
    const a = config.auth;
    out.auth = "user" in a ? { user: a.user, password: a.password } : a;
  }
  for (const file of [flags.nkey, flags.creds, flags["tls-ca"]]) {
    if (file !== undefined && !existsSync(file)) {
      throw new CliError("CK_NATS_USAGE", `${file} not found`);
    }
  }
  const tls: BusTls = Object.fromEntries(
    Object.entries(config.tls ?? {}).filter(([, v]) => v !== undefined),
  ) as BusTls;
  if (flags["tls-ca"]) tls.caFile = flags["tls-ca"];
  if (Object.keys(tls).length > 0) out.tls = tls;
  return out;
}

/**
 * Connects for one CLI run: no reconnect loop (a wrong address fails at once with
 * CK_NATS_CONNECT and what to do), no telemetry.
 */
export function connectForCli(
  flags: NatsConnectionFlags,
  config: NatsConfig,
  name: string,
): Promise<Bus> {
  return connectBus({
    servers: serversOf(flags, config),
    name,
    maxReconnectAttempts: 0,
    telemetry: false,
    ...credentials(flags, config),
  }).catch((err: unknown) => {
    throw new CliError(
      "CK_NATS_CONNECT",
      `${(err as Error).message}; pass --server or set nats.servers in ${CONFIG_FILE}`,
      2,
      { cause: err },
    );
  });
}
