import {
  Code,
  ContractError,
  decodeStatus,
  encodeStatus,
  Header,
  isContractError,
  parseCode,
} from "@contractkit/core";

/**
 * A failed long-running request's answer: the gRPC code and the whole
 * `google.rpc.Status` (base64) in the same headers NATS RPC uses. Anything that is not a
 * ContractError travels as INTERNAL "internal error": its message stays in the process.
 */
export function errorHeaders(error: unknown): Record<string, string> {
  const e = isContractError(error) ? error : new ContractError(Code.INTERNAL, "internal error");
  const status = encodeStatus({ code: e.code, message: e.rawMessage, details: e.details });
  return {
    [Header.statusCode]: String(e.code),
    [Header.statusDetails]: Buffer.from(status).toString("base64"),
  };
}

/** The ContractError an answer carries, or undefined for a success. */
export function errorFromHeaders(
  headers: Readonly<Record<string, string>>,
): ContractError | undefined {
  const raw = headers[Header.statusCode];
  if (raw === undefined) return undefined;
  const code = parseCode(raw) ?? Code.UNKNOWN;
  let message = "request failed";
  let details: ContractError["details"] = [];
  const encoded = headers[Header.statusDetails];
  if (encoded) {
    try {
      const status = decodeStatus(new Uint8Array(Buffer.from(encoded, "base64")));
      message = status.message || message;
      details = status.details;
    } catch {
      details = [];
    }
  }
  return new ContractError(code, message, { details });
}
