import {
  createFileRegistry,
  type DescMessage,
  fromBinary,
  type Registry,
} from "@bufbuild/protobuf";
import type { Path } from "@bufbuild/protobuf/reflect";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import {
  createValidator,
  type Violation as PvViolation,
  type Validator,
} from "@bufbuild/protovalidate";
import { formatPath, type Violation } from "./validation.js";

/** The serialized FileDescriptorSet that holds a message: bytes, base64, or a function returning either. */
export type DescriptorSource = Uint8Array | string | (() => Uint8Array | string);

export interface CelRulesInit<T> {
  /** Full Protobuf name of the message. */
  readonly typeName: string;
  readonly descriptors: DescriptorSource;
  /** ts-proto's encoder: `(m) => Order.encode(m).finish()`. */
  readonly encode: (value: T) => Uint8Array;
  /**
   * Standard rule ids (`string.pattern`) or families (`timestamp.`) the zod schema does
   * not check; protovalidate's violations for them are kept too.
   */
  readonly delegate?: readonly string[];
}

/**
 * The `extraRules` of a message type that has CEL rules (its own or in a message it
 * contains). Generated code creates one only for such messages, so the others never
 * pay for it. On first use it builds a registry from the descriptors (cached per
 * descriptor source) and a protovalidate validator; each call encodes the ts-proto
 * value, decodes it as a protobuf-es message and validates it. Only CEL (field,
 * message, predefined) and delegated violations are returned: the zod schema already
 * reports the standard ones. Paths use ts-proto's property names.
 */
export function celRules<T>(init: CelRulesInit<T>): (value: T) => Violation[] {
  let state: { schema: DescMessage; validator: Validator } | undefined;
  const delegate = init.delegate ?? [];
  return (value) => {
    state ??= load(init);
    const msg = fromBinary(state.schema, init.encode(value));
    const result = state.validator.validate(state.schema, msg);
    if (result.kind === "valid") return [];
    if (result.kind === "error") {
      return [
        {
          path: "",
          rule: "runtime_error",
          message: `rules could not be evaluated: ${result.error.message}`,
        },
      ];
    }
    return result.violations.filter((v) => isKept(v, delegate)).map(toViolation);
  };
}

const registries = new WeakMap<object, { registry: Registry; validator: Validator }>();
const registriesByText = new Map<string, { registry: Registry; validator: Validator }>();

function load<T>(init: CelRulesInit<T>): { schema: DescMessage; validator: Validator } {
  const source = init.descriptors;
  let entry = typeof source === "string" ? registriesByText.get(source) : registries.get(source);
  if (!entry) {
    const raw = typeof source === "function" ? source() : source;
    const bytes = typeof raw === "string" ? base64(raw) : raw;
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
    entry = { registry, validator: createValidator({ registry }) };
    if (typeof source === "string") registriesByText.set(source, entry);
    else registries.set(source, entry);
  }
  const schema = entry.registry.getMessage(init.typeName);
  if (!schema) throw new Error(`celRules: ${init.typeName} is not in the given descriptors`);
  return { schema, validator: entry.validator };
}

function base64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const STANDARD_MESSAGE_RULES = new Set(["required", "message.oneof", "legacy_required"]);

/** A CEL rule (`cel`, `cel_expression`), a predefined rule (an extension), or a delegated one. */
function isKept(v: PvViolation, delegate: readonly string[]): boolean {
  // Message-level CEL has an empty rule path; so do the standard oneof rules zod checks.
  if (v.rule.length === 0) return !STANDARD_MESSAGE_RULES.has(v.ruleId);
  for (const item of v.rule) {
    if (item.kind === "extension") return true;
    if (item.kind === "field" && (item.name === "cel" || item.name === "cel_expression"))
      return true;
  }
  return delegate.some((d) => (d.endsWith(".") ? v.ruleId.startsWith(d) : v.ruleId === d));
}

function toViolation(v: PvViolation): Violation {
  return { path: formatPath(tsProtoPath(v.field)), rule: v.ruleId, message: v.message };
}

/** protovalidate's field path → ts-proto's: camelCase keys, oneof members under their oneof. */
export function tsProtoPath(path: Path): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const item of path) {
    switch (item.kind) {
      case "field":
        if (item.oneof) out.push(tsProtoKey(item.oneof.name));
        out.push(tsProtoKey(item.name));
        break;
      case "oneof":
        out.push(tsProtoKey(item.name));
        break;
      case "extension":
        out.push(`(${item.typeName})`);
        break;
      case "list_sub":
        out.push(item.index);
        break;
      case "map_sub":
        out.push(String(item.key));
        break;
    }
  }
  return out;
}

/** ts-proto's property name (its default `snakeToCamel=keys`). */
export function tsProtoKey(name: string): string {
  if (!name.includes("_")) return name;
  const mixed = /[a-z]/.test(name);
  return name
    .split("_")
    .map((w, i) => {
      const word = mixed ? w : w.toLowerCase();
      return i === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join("");
}
