import type { FindingCategory } from "./finding.js";

/**
 * `default`: buf's WIRE_JSON rules plus the RPC surface, the deprecate-then-reserve
 * deletion policy and ContractKit's binding and validation rules. `strict`: buf's FILE
 * level plus ContractKit's rules. `wire_json`: buf's WIRE_JSON alone.
 */
export type PolicyName = "default" | "strict" | "wire_json";

export const POLICY_NAMES: readonly PolicyName[] = ["default", "strict", "wire_json"];

/** buf's WIRE_JSON category, spelled out so the list is curated and reviewable (buf 1.75). */
export const WIRE_JSON_RULES: readonly string[] = [
  "ENUM_SAME_JSON_FORMAT",
  "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
  "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
  "ENUM_VALUE_SAME_NAME",
  "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
  "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
  "FIELD_SAME_DEFAULT",
  "FIELD_SAME_JSON_NAME",
  "FIELD_SAME_NAME",
  "FIELD_SAME_ONEOF",
  "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
  "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
  "FILE_SAME_PACKAGE",
  "MESSAGE_SAME_JSON_FORMAT",
  "MESSAGE_SAME_REQUIRED_FIELDS",
  "RESERVED_ENUM_NO_DELETE",
  "RESERVED_MESSAGE_NO_DELETE",
  "RPC_SAME_CLIENT_STREAMING",
  "RPC_SAME_IDEMPOTENCY_LEVEL",
  "RPC_SAME_REQUEST_TYPE",
  "RPC_SAME_RESPONSE_TYPE",
  "RPC_SAME_SERVER_STREAMING",
];

/**
 * The RPC surface WIRE_JSON misses: a deleted or renamed service or RPC changes the gRPC
 * method path (`/pkg.Service/Method`) and clients get UNIMPLEMENTED.
 */
export const RPC_SURFACE_RULES: readonly string[] = [
  "RPC_NO_DELETE",
  "SERVICE_NO_DELETE",
  "PACKAGE_SERVICE_NO_DELETE",
];

export interface Policy {
  name: PolicyName;
  /** The `use` list handed to buf breaking. */
  bufUse: readonly string[];
  /** Run ContractKit's own rules (deletion policy, bindings, validation drift). */
  contractRules: boolean;
  /** Deletion needs `deprecated` in the baseline (the deprecate-then-reserve workflow). */
  requireDeprecation: boolean;
}

export function policyFor(name: PolicyName): Policy {
  switch (name) {
    case "default":
      return {
        name,
        bufUse: [...WIRE_JSON_RULES, ...RPC_SURFACE_RULES],
        contractRules: true,
        requireDeprecation: true,
      };
    case "strict":
      return { name, bufUse: ["FILE"], contractRules: true, requireDeprecation: false };
    case "wire_json":
      return { name, bufUse: ["WIRE_JSON"], contractRules: false, requireDeprecation: false };
  }
}

const JSON_RULES = new Set([
  "ENUM_SAME_JSON_FORMAT",
  "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
  "ENUM_VALUE_SAME_NAME",
  "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
  "FIELD_SAME_JSON_NAME",
  "FIELD_SAME_NAME",
  "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
  "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
  "MESSAGE_SAME_JSON_FORMAT",
]);

/** The category of a buf rule id. */
export function bufRuleCategory(rule: string): FindingCategory {
  if (rule.startsWith("RPC_") || rule.includes("SERVICE_NO_DELETE") || rule === "FILE_SAME_PACKAGE")
    return "rpc-surface";
  if (JSON_RULES.has(rule)) return "json";
  if (rule.startsWith("FILE_SAME_") && rule !== "FILE_SAME_SYNTAX") return "policy";
  return "wire";
}
