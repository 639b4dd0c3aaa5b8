import { createAccount, createOperator, createUser, type KeyPair } from "@nats-io/nkeys";

/**
 * Decentralised auth material for a test server in operator mode: an operator, an
 * account and a user, with JWTs signed by hand (the JWT layout the NATS server reads:
 * an ed25519-nkey signed JWT per entity). Returns the server config and a `.creds` file.
 */
const b64url = (b: Uint8Array | string) => Buffer.from(b).toString("base64url");

function sign(
  issuer: KeyPair,
  subject: string,
  name: string,
  nats: Record<string, unknown>,
): string {
  const header = b64url(JSON.stringify({ typ: "JWT", alg: "ed25519-nkey" }));
  const claims = b64url(
    JSON.stringify({
      jti: b64url(crypto.getRandomValues(new Uint8Array(16))),
      iat: Math.floor(Date.now() / 1000),
      iss: issuer.getPublicKey(),
      name,
      sub: subject,
      nats: { ...nats, version: 2 },
    }),
  );
  const sig = issuer.sign(new TextEncoder().encode(`${header}.${claims}`));
  return `${header}.${claims}.${b64url(sig)}`;
}

const unlimited = { subs: -1, data: -1, payload: -1 };

export function operatorMode(): { serverConfig: string; creds: string; otherCreds: string } {
  const operator = createOperator();
  const account = createAccount();
  const operatorJwt = sign(operator, operator.getPublicKey(), "ck-operator", { type: "operator" });
  const accountJwt = sign(operator, account.getPublicKey(), "ck-account", {
    type: "account",
    limits: { ...unlimited, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 },
  });
  const userCreds = (issuer: KeyPair) => {
    const user = createUser();
    const jwt = sign(issuer, user.getPublicKey(), "ck-user", {
      type: "user",
      ...unlimited,
      pub: {},
      sub: {},
    });
    const seed = new TextDecoder().decode(user.getSeed());
    return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
  };
  return {
    serverConfig: `operator: ${operatorJwt}\nresolver: MEMORY\nresolver_preload: { ${account.getPublicKey()}: ${accountJwt} }\n`,
    creds: userCreds(account),
    // Signed by an account the server does not know.
    otherCreds: userCreds(createAccount()),
  };
}
