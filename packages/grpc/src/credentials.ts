import { ChannelCredentials, ServerCredentials } from "@grpc/grpc-js";

type Pem = string | Buffer;

/** Client side TLS. With `cert` and `key` the client also proves who it is (mTLS). */
export interface ClientTlsOptions {
  /** CA certificate(s) to trust; the system roots when omitted. */
  ca?: Pem;
  /** Client certificate chain and key, for mTLS. */
  cert?: Pem;
  key?: Pem;
  /** Expect this name in the server certificate instead of the target's host. */
  serverName?: string;
}

/** Server side TLS. With `ca` and `requireClientCert`, clients must present a certificate (mTLS). */
export interface ServerTlsOptions {
  cert: Pem;
  key: Pem;
  /** CA that client certificates must chain to. */
  ca?: Pem;
  /** Reject clients without a certificate signed by `ca`. Default: true when `ca` is given. */
  requireClientCert?: boolean;
}

const buf = (pem: Pem): Buffer => (typeof pem === "string" ? Buffer.from(pem) : pem);

/** grpc-js channel credentials: TLS when options are given, plaintext otherwise. */
export function createChannelCredentials(tls: ClientTlsOptions | undefined): ChannelCredentials {
  if (!tls) return ChannelCredentials.createInsecure();
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new TypeError(
      "tls: give both `cert` and `key` for a client certificate (mTLS), or neither",
    );
  }
  return ChannelCredentials.createSsl(
    tls.ca === undefined ? null : buf(tls.ca),
    tls.key === undefined ? null : buf(tls.key),
    tls.cert === undefined ? null : buf(tls.cert),
  );
}

/** grpc-js server credentials: TLS (optionally mTLS) when options are given, plaintext otherwise. */
export function createServerCredentials(tls: ServerTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const requireClientCert = tls.requireClientCert ?? tls.ca !== undefined;
  if (requireClientCert && tls.ca === undefined) {
    throw new TypeError(
      "tls.requireClientCert needs tls.ca: the CA that client certificates must chain to",
    );
  }
  return ServerCredentials.createSsl(
    tls.ca === undefined ? null : buf(tls.ca),
    [{ cert_chain: buf(tls.cert), private_key: buf(tls.key) }],
    requireClientCert,
  );
}
