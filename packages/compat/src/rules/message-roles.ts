import type { Element, MessageElement } from "../contract-index.js";
import type { EventBinding } from "./option-reader.js";
import type { RuleContext } from "./rule-context.js";

/**
 * Who exchanges a message, which decides which validation drift breaks someone:
 * - `request` (a method's input, or nested in one): tightening rejects what old clients send;
 * - `response` (a method's output, or nested in one): loosening lets the new server send
 *   what old, validating clients reject;
 * - `event` (has `(contractkit.v1.event)`, or nested in one): producers and consumers
 *   deploy independently, so both directions break.
 */
export type RoleKind = "request" | "response" | "event";

export interface MessageRole {
  kind: RoleKind;
  /** The method (`pkg.Service.Method`) or, for an event, the event message. */
  via: string;
  /** Messages from the method's input/output or the event down to the message itself. */
  path: readonly string[];
  /** The fields followed along `path` (a map's `value` field is left out). */
  fields: readonly string[];
  /** The stream that persists the event ("" when none, and for requests and responses). */
  stream: string;
  /** Only the baseline gives the message this role (old parties still rely on it). */
  baselineOnly?: boolean;
}

export type Direction = "tightened" | "loosened";

/** Whether drift in `direction` breaks a party of a message in this role. */
export function breaksIn(kind: RoleKind, direction: Direction): boolean {
  if (kind === "event") return true;
  return kind === "request" ? direction === "tightened" : direction === "loosened";
}

export interface RoleGraph {
  /** Every role of a message, nearest first; [] when no method or event reaches it. */
  rolesOf(message: string): MessageRole[];
}

const TYPE_GROUP = 10;
const TYPE_MESSAGE = 11;
const KIND_ORDER: Record<RoleKind, number> = { request: 0, response: 1, event: 2 };

const typeName = (name: string | undefined) => (name?.startsWith(".") ? name.slice(1) : name);

/**
 * Indexes one whole contract: the roots (method inputs and outputs, event messages) and,
 * for every message, the messages that hold it in a field (singular, repeated, oneof
 * member or map value, since a map is a repeated entry message). `rolesOf` walks those
 * edges backwards, so each question costs only the message's ancestors; cycles are cut
 * by the visited set.
 */
export function buildRoleGraph(
  elements: Iterable<Element>,
  eventOf: (message: MessageElement) => EventBinding | undefined,
): RoleGraph {
  type Root = Pick<MessageRole, "kind" | "via" | "stream">;
  const roots = new Map<string, Root[]>();
  /** child message → holder message → the holding field ("" for a map entry's value). */
  const holders = new Map<string, Map<string, string>>();
  const addRoot = (message: string | undefined, role: Root) => {
    if (!message) return;
    const list = roots.get(message) ?? [];
    list.push(role);
    roots.set(message, list);
  };
  for (const e of elements) {
    if (e.kind === "method") {
      addRoot(typeName(e.proto.inputType), { kind: "request", via: e.fullName, stream: "" });
      addRoot(typeName(e.proto.outputType), { kind: "response", via: e.fullName, stream: "" });
    } else if (e.kind === "message") {
      const event = eventOf(e);
      if (event) addRoot(e.fullName, { kind: "event", via: e.fullName, stream: event.stream });
    } else if (e.kind === "field" && e.parent) {
      const t = e.proto.type as number;
      const child = typeName(e.proto.typeName);
      if ((t !== TYPE_MESSAGE && t !== TYPE_GROUP) || !child) continue;
      const byHolder = holders.get(child) ?? new Map<string, string>();
      const mapValue = e.parent.kind === "message" && e.parent.proto.options?.mapEntry === true;
      if (!byHolder.has(e.parent.fullName))
        byHolder.set(e.parent.fullName, mapValue ? "" : e.fullName);
      holders.set(child, byHolder);
    }
  }
  return {
    rolesOf(message) {
      // Breadth first from the message up to its holders; `toward` remembers the step
      // back down (the held message and the field), so each root's path is a shortest one.
      const toward = new Map<string, { next: string; field: string } | undefined>([
        [message, undefined],
      ]);
      const queue = [message];
      const out: MessageRole[] = [];
      for (let i = 0; i < queue.length; i++) {
        const name = queue[i] as string;
        for (const root of roots.get(name) ?? []) {
          const path = [name];
          const fields: string[] = [];
          for (let step = toward.get(name); step; step = toward.get(step.next)) {
            path.push(step.next);
            if (step.field) fields.push(step.field);
          }
          out.push({ ...root, path, fields });
        }
        for (const [holder, field] of holders.get(name) ?? []) {
          if (toward.has(holder)) continue;
          toward.set(holder, { next: name, field });
          queue.push(holder);
        }
      }
      return sortRoles(out);
    },
  };
}

/**
 * The roles of both sides, one per kind and method or event (the current one when both
 * have it, with a stream either side sets); the baseline's others are `baselineOnly`.
 */
export function unionRoles(
  current: readonly MessageRole[],
  previous: readonly MessageRole[],
): MessageRole[] {
  const byKey = new Map<string, MessageRole>();
  const key = (r: MessageRole) => `${r.kind}\0${r.via}`;
  for (const r of current) if (!byKey.has(key(r))) byKey.set(key(r), r);
  for (const r of previous) {
    const seen = byKey.get(key(r));
    if (!seen) byKey.set(key(r), { ...r, baselineOnly: true });
    else if (!seen.stream && r.stream) byKey.set(key(r), { ...seen, stream: r.stream });
  }
  return sortRoles([...byKey.values()]);
}

function sortRoles(roles: MessageRole[]): MessageRole[] {
  return roles.sort(
    (a, b) =>
      KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
      a.path.length - b.path.length ||
      (a.via < b.via ? -1 : a.via > b.via ? 1 : 0),
  );
}

/**
 * Roles of messages over the whole contract on both sides (a message that was a response
 * in the baseline still is one for old clients). The rule context decodes only changed
 * files, but a method in an unchanged file may use a changed message, so the graphs are
 * built from every file, on first use only: unchanged files come from the baseline
 * (their bytes are identical), changed ones from the current index.
 */
export function contractRoles(ctx: RuleContext): (message: string) => MessageRole[] {
  let graphs: [RoleGraph, RoleGraph] | undefined;
  const eventOf =
    (first: RuleContext["current"], second: RuleContext["current"]) => (m: MessageElement) =>
      first.options.event(m.proto.options) ?? second.options.event(m.proto.options);
  return (message) => {
    graphs ??= (() => {
      const full = ctx.previousFull();
      function* current(): Generator<Element> {
        for (const [file, elements] of full.byFile) if (!ctx.changed.has(file)) yield* elements;
        for (const [file, elements] of ctx.current.index.byFile)
          if (ctx.changed.has(file)) yield* elements;
      }
      return [
        buildRoleGraph(full.byName.values(), eventOf(ctx.previous, ctx.current)),
        buildRoleGraph(current(), eventOf(ctx.current, ctx.previous)),
      ];
    })();
    const [previous, current] = graphs;
    return unionRoles(current.rolesOf(message), previous.rolesOf(message));
  };
}
