/**
 * Event subject templates (`musiccorp.orders.{customer_id}.placed`): parsing, the rules
 * a template must follow, and whether two subjects can match the same message.
 */

export type SubjectPart = { readonly literal: string } | { readonly token: string };

export interface ParsedTemplate {
  readonly parts: readonly SubjectPart[];
  /** Problems, each a sentence that says what to fix. */
  readonly problems: readonly TemplateProblem[];
}

export interface TemplateProblem {
  readonly kind: "empty" | "invalid" | "token_not_whole_part";
  readonly message: string;
}

const WHOLE_TOKEN = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;
const ANY_BRACE = /[{}]/;
const BAD_LITERAL = /[\s*>]/;

/** Splits a template into literal and token parts, collecting every problem. */
export function parseSubjectTemplate(template: string): ParsedTemplate {
  if (template.trim() === "") {
    return {
      parts: [],
      problems: [
        {
          kind: "empty",
          message: 'the subject is empty; set subject, e.g. "acme.orders.{order_id}.placed"',
        },
      ],
    };
  }
  const parts: SubjectPart[] = [];
  const problems: TemplateProblem[] = [];
  for (const raw of template.split(".")) {
    const m = WHOLE_TOKEN.exec(raw);
    if (m) {
      parts.push({ token: m[1] as string });
      continue;
    }
    if (ANY_BRACE.test(raw)) {
      problems.push({
        kind: "token_not_whole_part",
        message: `subject part "${raw}" in "${template}" is not a whole token; a token must be a whole dot-separated part, like "{order_id}"`,
      });
    } else if (raw === "") {
      problems.push({
        kind: "invalid",
        message: `subject "${template}" has an empty part; remove the leading, trailing or doubled "."`,
      });
    } else if (BAD_LITERAL.test(raw)) {
      problems.push({
        kind: "invalid",
        message: `subject part "${raw}" in "${template}" holds a wildcard or whitespace; use literal text and {tokens}`,
      });
    }
    parts.push({ literal: raw });
  }
  return { parts, problems };
}

/** The subject a stream captures for a template: `*` for each token. */
export function wildcardSubject(parts: readonly SubjectPart[]): string {
  return parts.map((p) => ("token" in p ? "*" : p.literal)).join(".");
}

/**
 * Whether two subjects (parts: literals or `*`) can match one concrete subject: same
 * number of parts, and at each position a wildcard or equal literals.
 */
export function subjectsOverlap(a: string, b: string): boolean {
  const pa = a.split(".");
  const pb = b.split(".");
  if (pa.length !== pb.length) return false;
  return pa.every((x, i) => x === "*" || pb[i] === "*" || x === pb[i]);
}

/** A concrete NATS subject with no wildcards (e.g. an RPC prefix). */
export function invalidConcreteSubject(subject: string): string | undefined {
  if (subject === "") return "is empty";
  for (const part of subject.split(".")) {
    if (part === "") return "has an empty part";
    if (/[\s*>]/.test(part)) return `has a wildcard or whitespace in "${part}"`;
  }
  return undefined;
}
