import type { MessageType } from "@contractkit/core";

/** A dead letter's payload decoded with the contract, sensitive fields redacted. */
export interface DecodedMessage {
  readonly typeName: string;
  /** JSON-safe: bigints and 64-bit numbers as strings, bytes as base64. */
  readonly value: unknown;
  /** Paths of the fields that were redacted. */
  readonly redacted: readonly string[];
}

/**
 * Decodes a payload by its `ce-type`; undefined when the type is unknown. The generated
 * definitions give one (`decoderFromTypes`); the CLI builds one from a descriptor set.
 */
export type MessageDecoder = (typeName: string, data: Uint8Array) => DecodedMessage | undefined;

export const REDACTED = "[REDACTED]";

/** A decoder over generated message types (`…Type` / `…Event` definitions). */
export function decoderFromTypes(types: readonly MessageType<unknown>[]): MessageDecoder {
  const byName = new Map(types.map((t) => [t.typeName, t]));
  return (typeName, data) => {
    const type = byName.get(typeName);
    if (!type) return undefined;
    const decoded = type.codec.decode(data);
    const { value, redacted } = redact(toJsonSafe(decoded), type.sensitiveFields);
    return { typeName, value, redacted };
  };
}

/**
 * Replaces the fields at `paths` with `[REDACTED]`. Paths are what the generator emits
 * as `sensitiveFields`: dotted property names, `[*]` for every element of a list or
 * every value of a map (`email`, `customer.email`, `items[*].email`). Returns a copy;
 * unset fields stay unset.
 */
export function redact(
  value: unknown,
  paths: readonly string[],
): { value: unknown; redacted: string[] } {
  const copy = structuredClone(value);
  const redacted: string[] = [];
  for (const path of paths) {
    if (applyRedaction(copy, path.split("."))) redacted.push(path);
  }
  return { value: copy, redacted };
}

function applyRedaction(node: unknown, parts: readonly string[]): boolean {
  if (node === null || typeof node !== "object") return false;
  const [head, ...rest] = parts;
  if (head === undefined) return false;
  const each = head.endsWith("[*]");
  const key = each ? head.slice(0, -3) : head;
  const obj = node as Record<string, unknown>;
  if (!(key in obj) || obj[key] === undefined || obj[key] === null) return false;
  if (rest.length === 0 && !each) {
    obj[key] = REDACTED;
    return true;
  }
  if (!each) return applyRedaction(obj[key], rest);
  const container = obj[key];
  const items = Array.isArray(container) ? container : Object.values(container as object);
  let any = false;
  if (rest.length === 0) {
    obj[key] = Array.isArray(container) ? container.map(() => REDACTED) : REDACTED;
    return items.length > 0;
  }
  for (const item of items) any = applyRedaction(item, rest) || any;
  return any;
}

/** A value that JSON.stringify and structuredClone accept, for display. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonSafe(v)]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonSafe(v);
    return out;
  }
  return value;
}
