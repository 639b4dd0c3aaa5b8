import { Code } from "./code.js";
import { ContractError } from "./contract-error.js";
import type { EventDefinition, MessageType, SubjectToken, TokenValues } from "./definitions.js";

export interface EventSpec<T> extends MessageType<T> {
  subjectTemplate: string;
  stream?: string | undefined;
  tokens: readonly SubjectToken[];
}

const TEMPLATE_TOKEN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const BAD_TOKEN = /[.*>\s]/;

/**
 * Builds an EventDefinition from what the generator knows. Subject building lives here,
 * once, rather than in every generated file.
 */
export function defineEvent<T, K extends string = string>(
  spec: EventSpec<T>,
): EventDefinition<T, K> {
  const parts = spec.subjectTemplate.split(".");
  const byField = new Map(spec.tokens.map((t) => [t.field, t]));
  // Each subject part is a literal, or exactly one `{token}`.
  const segments = parts.map((part) => {
    const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part);
    if (!m) {
      if (TEMPLATE_TOKEN.test(part)) {
        TEMPLATE_TOKEN.lastIndex = 0;
        throw new ContractError(
          Code.INVALID_ARGUMENT,
          `event ${spec.typeName}: subject part "${part}" mixes a token with text; a token must be a whole subject part`,
        );
      }
      return { literal: part } as const;
    }
    const token = byField.get(m[1] as string);
    if (!token) {
      throw new ContractError(
        Code.INVALID_ARGUMENT,
        `event ${spec.typeName}: subject token {${m[1]}} has no matching token definition`,
      );
    }
    return { token } as const;
  });

  const render = (token: SubjectToken, raw: unknown): string => {
    let value: string;
    if (token.kind === "enum" && typeof raw === "number") {
      value = token.enumNames?.[raw] ?? String(raw);
    } else if (typeof raw === "number" || typeof raw === "bigint") {
      value = raw.toString(10);
    } else if (typeof raw === "string") {
      value = raw;
    } else {
      value = "";
    }
    if (value === "" || BAD_TOKEN.test(value)) {
      throw new ContractError(
        Code.INVALID_ARGUMENT,
        `event ${spec.typeName}: subject token {${token.field}} is ${value === "" ? "empty" : JSON.stringify(value)}; a token value must be non-empty and hold no ".", "*", ">" or whitespace`,
        {
          details: [
            {
              type: "google.rpc.BadRequest",
              fieldViolations: [
                { field: token.key, description: "invalid subject token", reason: "subject.token" },
              ],
            },
          ],
        },
      );
    }
    return value;
  };

  const def: EventDefinition<T, K> = {
    kind: "event",
    typeName: spec.typeName,
    codec: spec.codec,
    schema: spec.schema,
    sensitiveFields: spec.sensitiveFields,
    subjectTemplate: spec.subjectTemplate,
    stream: spec.stream || undefined,
    tokens: spec.tokens,
    subject(message: T): string {
      return segments
        .map((s) =>
          "literal" in s
            ? s.literal
            : render(s.token, (message as Record<string, unknown>)[s.token.key]),
        )
        .join(".");
    },
    subjectFor(values?: TokenValues<K>): string {
      return segments
        .map((s) => {
          if ("literal" in s) return s.literal;
          const v = (values as Record<string, unknown> | undefined)?.[s.token.key];
          if (v === undefined || v === "*") return "*";
          return render(s.token, v);
        })
        .join(".");
    },
    parseSubject(subject: string): Record<K, string> | undefined {
      const got = subject.split(".");
      if (got.length !== segments.length) return undefined;
      const out: Record<string, string> = {};
      for (let i = 0; i < segments.length; i++) {
        const s = segments[i];
        const g = got[i] as string;
        if (!s) return undefined;
        if ("literal" in s) {
          if (s.literal !== g) return undefined;
        } else {
          out[s.token.key] = g;
        }
      }
      return out as Record<K, string>;
    },
  };
  if (spec.extraRules)
    (def as { extraRules?: typeof spec.extraRules }).extraRules = spec.extraRules;
  return def;
}
