import {
  type DescExtension,
  type DescMessage,
  getExtension,
  hasExtension,
  type JsonValue,
  toJson,
} from "@bufbuild/protobuf";
import {
  FieldRulesSchema,
  field as fieldRules,
  MessageRulesSchema,
  message as messageRules,
  OneofRulesSchema,
  oneof as oneofRules,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import type { Element } from "../contract-index.js";
import { createFinding, type Finding } from "../finding.js";
import { breaksIn, contractRoles, type Direction, type MessageRole } from "./message-roles.js";
import { changedPreviousElements, locate, type RuleContext } from "./rule-context.js";

type Change = { path: string; direction: Direction; was: string; now: string };

const LOWER = new Set(["gt", "gte", "minLen", "minBytes", "minItems", "minPairs", "minTokens"]);
const UPPER = new Set(["lt", "lte", "maxLen", "maxBytes", "maxItems", "maxPairs", "maxTokens"]);

/**
 * Validation drift over protovalidate's `buf.validate` rules. Tightened: a new rule or a
 * narrower bound rejects data the old contract accepted. Loosened: a wider bound lets
 * data through that old, validating parties reject. Which direction breaks depends on
 * the role of the message that owns the rule (see message-roles.ts): tightening breaks
 * requests, loosening breaks responses, both break events and messages no method or
 * event reaches (the gate cannot know who uses them). For an event a stream persists, a
 * new field that must be present is also checked, because the stream's old messages are
 * replayed by new consumers.
 */
export function checkValidation(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const persisted = new Map<string, string>();
  for (const e of ctx.previous.index.byName.values()) {
    const ev = e.kind === "message" ? ctx.previous.options.event(e.proto.options) : undefined;
    if (ev?.stream) persisted.set(e.fullName, ev.stream);
  }
  const rolesOf = contractRoles(ctx);
  for (const before of changedPreviousElements(ctx)) {
    const after = ctx.current.index.byName.get(before.fullName);
    if (!after || after.kind !== before.kind) continue;
    let changes: Change[] = [];
    if (before.kind === "field" && after.kind === "field") {
      if (before.proto.number !== after.proto.number) continue;
      changes = diffRules(
        read(before.proto.options, fieldRules, FieldRulesSchema),
        read(after.proto.options, fieldRules, FieldRulesSchema),
      );
    } else if (before.kind === "message" && after.kind === "message") {
      changes = diffRules(
        read(before.proto.options, messageRules, MessageRulesSchema),
        read(after.proto.options, messageRules, MessageRulesSchema),
      );
      // A new field that must be present: old senders never send it. That breaks a
      // persisted event (its old messages are replayed), and any message whose role
      // breaks on tightening (requests, events) or that nothing reaches.
      const stream = persisted.get(before.fullName);
      const roles = rolesOf(before.fullName);
      const tightBreaks = stream
        ? [{ kind: "event" as const, via: after.fullName, path: [after.fullName], fields: [], stream }]
        : roles.filter((r) => breaksIn(r.kind, "tightened"));
      if (stream || roles.length === 0 || tightBreaks.length > 0) {
        out.push(...newRequiredFields(ctx, before, after, tightBreaks));
      }
    } else if (before.kind === "oneof" && after.kind === "oneof") {
      changes = diffRules(
        read(before.proto.options, oneofRules, OneofRulesSchema),
        read(after.proto.options, oneofRules, OneofRulesSchema),
      );
    }
    if (changes.length === 0) continue;
    const owner = before.kind === "message" ? before.fullName : (before.parent?.fullName ?? "");
    const roles = rolesOf(owner);
    for (const c of changes) {
      const breaking = roles.filter((r) => breaksIn(r.kind, c.direction));
      if (roles.length > 0 && breaking.length === 0) continue; // safe for every role
      out.push(driftFinding(ctx, after, owner, c, breaking));
    }
  }
  return out;
}

/**
 * A drift finding; `roles` are the roles it breaks (nearest first), none when no method
 * or event reaches the owner, so both directions count.
 */
function driftFinding(
  ctx: RuleContext,
  element: Element,
  owner: string,
  c: Change,
  roles: readonly MessageRole[],
): Finding {
  const tight = c.direction === "tightened";
  const [role, ...others] = roles;
  const also = others.length > 0 ? ` It is also ${others.map(roleLabel).join("; ")}.` : "";
  return createFinding({
    rule: tight ? "CK_VALIDATION_TIGHTENED" : "CK_VALIDATION_LOOSENED",
    category: "validation",
    location: locate(ctx.current, element, "current"),
    element: element.fullName,
    message: `validation rule ${c.path} of ${element.fullName} changed from ${c.was} to ${c.now}. ${
      role
        ? `${owner} is ${roleLabel(role)}: ${consequence(role, c.direction)}`
        : `${owner} is not reached from any method or event, so both directions count: ${
            tight
              ? "it rejects data the old contract accepted"
              : "producers may now send data that old, validating consumers reject"
          }`
    }.${also}`,
    hint: hintFor(role, c.direction),
    source: "contractkit",
    subject: c.path,
  });
}

/** "a request of pkg.Svc.Method", "part of the response of … (through pkg.Msg.field)", … */
function roleLabel(r: MessageRole): string {
  const through = r.fields.length > 0 ? ` (through ${r.fields.join(" → ")})` : "";
  const persisted = r.stream ? ` persisted in stream ${r.stream}` : "";
  const label =
    r.kind === "event"
      ? r.path.length > 1
        ? `part of the event ${r.via}${persisted}${through}`
        : `an event${persisted}`
      : r.path.length > 1
        ? `part of the ${r.kind} of ${r.via}${through}`
        : `a ${r.kind} of ${r.via}`;
  return r.baselineOnly ? `${label} in the baseline` : label;
}

function consequence(r: MessageRole, direction: Direction): string {
  if (r.kind === "request") return "a tighter rule rejects what old clients send";
  if (r.kind === "response")
    return "a looser rule lets the new server send what old, validating clients reject";
  if (direction === "loosened")
    return "a looser rule lets producers publish what old, validating consumers reject";
  return r.stream
    ? "a tighter rule rejects what old producers publish, and old messages in the stream are replayed by new consumers"
    : "a tighter rule rejects what producers on the old contract publish";
}

function hintFor(r: MessageRole | undefined, direction: Direction): string {
  const tight = direction === "tightened";
  switch (r?.kind) {
    case "request":
      return "keep the old bound until every client sends data that passes the new rule, or put the stricter rule on a new field";
    case "response":
      return "keep the old bound until every client runs the new contract, then widen it with an exception";
    case "event":
      return tight
        ? `keep the old bound; make every producer meet the stricter rule first${
            r.stream ? " (old messages in the stream never will)" : ""
          }, or add a new field with the new rule`
        : "keep the old bound until every consumer runs the new contract, then widen it with an exception";
    default:
      return tight
        ? "keep the old bound; validate the stricter rule in the producer first, or add a new field with the new rule"
        : "keep the old bound until every consumer runs the new contract, then widen it with an exception";
  }
}

function newRequiredFields(
  ctx: RuleContext,
  before: Element & { kind: "message" },
  after: Element & { kind: "message" },
  roles: readonly MessageRole[],
): Finding[] {
  const out: Finding[] = [];
  const numbers = new Set(before.proto.field.map((f) => f.number));
  for (const f of after.proto.field) {
    if (numbers.has(f.number)) continue;
    const rules = flatten(read(f.options, fieldRules, FieldRulesSchema));
    const demands = [...rules].filter(
      ([k, v]) =>
        (k === "required" && v === true) || (LOWER.has(k.split(".").at(-1) ?? "") && Number(v) > 0),
    );
    if (demands.length === 0) continue;
    const element = ctx.current.index.byName.get(`${after.fullName}.${f.name}`) ?? after;
    out.push(
      driftFinding(
        ctx,
        element,
        after.fullName,
        {
          path: demands.map(([k]) => k).join(", "),
          direction: "tightened",
          was: "(new field)",
          now: "required",
        },
        roles,
      ),
    );
  }
  return out;
}

function read(
  options: object | undefined,
  ext: DescExtension,
  schema: DescMessage,
): JsonValue | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: extendee checked by type name at run time
  const opts = options as any;
  if (!opts || !hasExtension(opts, ext)) return undefined;
  return toJson(schema, getExtension(opts, ext) as never);
}

function flatten(
  value: JsonValue | undefined,
  prefix = "",
  out = new Map<string, JsonValue>(),
): Map<string, JsonValue> {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && prefix.endsWith("cel")) {
    for (const rule of value) {
      const r = rule as { id?: string; expression?: string };
      out.set(`${prefix}[${r.id ?? r.expression ?? ""}]`, JSON.stringify(rule));
    }
  } else if (value !== undefined && prefix) out.set(prefix, value);
  return out;
}

/** Compares two rule sets leaf by leaf. */
export function diffRules(before: JsonValue | undefined, after: JsonValue | undefined): Change[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: Change[] = [];
  const show = (v: JsonValue | undefined) => (v === undefined ? "(none)" : JSON.stringify(v));
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(path);
    const now = b.get(path);
    if (JSON.stringify(was) === JSON.stringify(now)) continue;
    const key =
      path
        .replace(/\[.*\]$/, "")
        .split(".")
        .at(-1) ?? "";
    let direction: Change["direction"];
    if (was === undefined) direction = key === "ignore" || now === false ? "loosened" : "tightened";
    else if (now === undefined)
      direction = key === "ignore" || was === false ? "tightened" : "loosened";
    else if (LOWER.has(key) && isNum(was) && isNum(now))
      direction = Number(now) > Number(was) ? "tightened" : "loosened";
    else if (UPPER.has(key) && isNum(was) && isNum(now))
      direction = Number(now) < Number(was) ? "tightened" : "loosened";
    else if (typeof was === "boolean" && typeof now === "boolean")
      direction = now ? "tightened" : "loosened";
    else if (Array.isArray(was) && Array.isArray(now)) {
      const removed = was.some((x) => !now.some((y) => JSON.stringify(y) === JSON.stringify(x)));
      const shrinks = key === "in" ? removed : !removed;
      direction = shrinks ? "tightened" : "loosened";
    } else direction = "tightened";
    out.push({ path, direction, was: show(was), now: show(now) });
  }
  return out;
}

function isNum(v: JsonValue): boolean {
  return (typeof v === "number" || typeof v === "string") && v !== "" && Number.isFinite(Number(v));
}
