import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "@nats-io/nats-core";
import { credsAuthenticator, nkeyAuthenticator } from "@nats-io/nats-core";

/** How a bus authenticates. Exactly one form. */
export type BusAuth =
  | { user: string; password: string }
  | { token: string }
  /** An nkey seed (`SU...`), or a file holding it. */
  | { nkeySeed: string }
  | { nkeySeedFile: string }
  /** A `.creds` file (JWT + nkey seed) as issued by `nsc`, or its contents. */
  | { credsFile: string }
  | { creds: string };

export interface BusTls {
  /** CA bundle that signs the server's certificate (PEM file). */
  caFile?: string;
  /** Client certificate and key, for servers that verify clients. */
  certFile?: string;
  keyFile?: string;
  /** The server is configured with `handshake_first`. */
  handshakeFirst?: boolean;
}

export interface ConnectionSettings {
  /** One URL or every server of a cluster. */
  servers: string | readonly string[];
  /** Client name shown by the server (`connz`); also the default `ce-source`. */
  name?: string;
  auth?: BusAuth;
  /** `true` requires TLS with the system CAs; an object adds files. */
  tls?: BusTls | boolean;
  /** Reconnect attempts per server; -1 (the default) never gives up. */
  maxReconnectAttempts?: number;
  /** Wait between reconnect attempts (default 2000 ms). */
  reconnectTimeWaitMs?: number;
  /** Handshake timeout of the first connection (default 20 000 ms). */
  connectTimeoutMs?: number;
}

/** Maps our settings to the nats.js connection options. */
export function toConnectionOptions(s: ConnectionSettings): ConnectionOptions {
  const opts: ConnectionOptions = {
    servers: typeof s.servers === "string" ? s.servers : [...s.servers],
    maxReconnectAttempts: s.maxReconnectAttempts ?? -1,
    reconnectTimeWait: s.reconnectTimeWaitMs ?? 2000,
    timeout: s.connectTimeoutMs ?? 20_000,
  };
  if (s.name) opts.name = s.name;
  const auth = s.auth;
  if (auth) {
    if ("user" in auth) {
      opts.user = auth.user;
      opts.pass = auth.password;
    } else if ("token" in auth) {
      opts.token = auth.token;
    } else if ("nkeySeed" in auth) {
      opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(auth.nkeySeed.trim()));
    } else if ("nkeySeedFile" in auth) {
      const seed = readFileSync(auth.nkeySeedFile, "utf8").trim();
      opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
    } else if ("credsFile" in auth) {
      opts.authenticator = credsAuthenticator(readFileSync(auth.credsFile));
    } else if ("creds" in auth) {
      opts.authenticator = credsAuthenticator(new TextEncoder().encode(auth.creds));
    }
  }
  if (s.tls === true) opts.tls = {};
  else if (s.tls && typeof s.tls === "object") {
    const tls: NonNullable<ConnectionOptions["tls"]> = {};
    if (s.tls.caFile) tls.caFile = s.tls.caFile;
    if (s.tls.certFile) tls.certFile = s.tls.certFile;
    if (s.tls.keyFile) tls.keyFile = s.tls.keyFile;
    if (s.tls.handshakeFirst) tls.handshakeFirst = true;
    opts.tls = tls;
  }
  return opts;
}
