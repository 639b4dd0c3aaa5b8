import type { EnumElement, MessageElement } from "../contract-index.js";
import { deletionHint } from "../enrich.js";
import { createFinding, type Finding } from "../finding.js";
import { changedPreviousElements, locate, type RuleContext } from "./rule-context.js";

/**
 * The deprecate-then-reserve workflow. buf's WIRE_JSON rules accept a deletion once the
 * number and name are reserved; ContractKit's default policy also wants the element to
 * have been `deprecated` in the baseline, so consumers had a release to stop reading it.
 * Deleted elements of persisted events get one more check: old messages in the stream
 * still carry enum values that new consumers no longer know.
 */
export function checkDeletions(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  let persisted: Map<string, string[]> | undefined;
  const persistedEnums = () => {
    persisted ??= persistedEventEnums(ctx);
    return persisted;
  };
  for (const before of changedPreviousElements(ctx)) {
    if (before.kind !== "field" && before.kind !== "enum_value") continue;
    const parentBefore = before.parent as MessageElement | EnumElement;
    const parentAfter = ctx.current.index.byName.get(parentBefore.fullName);
    if (!parentAfter || parentAfter.kind !== parentBefore.kind) continue;
    const { name, number } = before.proto;
    let stillThere: boolean;
    let reserved: boolean;
    if (parentAfter.kind === "message") {
      const m = parentAfter.proto;
      stillThere = m.field.some((f) => f.number === number);
      reserved =
        m.reservedName.includes(name) &&
        m.reservedRange.some((r) => number >= r.start && number < r.end);
    } else {
      const e = (parentAfter as EnumElement).proto;
      stillThere = e.value.some((v) => v.number === number);
      reserved =
        e.reservedName.includes(name) &&
        e.reservedRange.some((r) => number >= r.start && number <= r.end);
    }
    if (stillThere || !reserved) continue; // kept, or buf reports the missing reservation
    const location = locate(ctx.previous, before, "baseline");
    if (before.proto.options?.deprecated !== true) {
      const kind = before.kind === "field" ? "field" : "enum value";
      out.push(
        createFinding({
          rule: "CK_DELETE_WITHOUT_DEPRECATION",
          category: "policy",
          location,
          element: before.fullName,
          message: `${kind} ${before.fullName} was deleted and reserved without being deprecated first: consumers had no release to stop using it.`,
          hint: deletionHint(before),
          source: "contractkit",
        }),
      );
    } else if (before.kind === "enum_value" && persistedEnums().has(parentBefore.fullName)) {
      out.push(
        createFinding({
          rule: "CK_PERSISTED_ENUM_VALUE_DELETED",
          category: "binding",
          location,
          element: before.fullName,
          message: `enum value ${before.fullName} was deleted, but persisted event(s) ${persistedEnums().get(parentBefore.fullName)?.join(", ")} use the enum: messages already in the stream still carry ${number} and new consumers replay them.`,
          hint: "keep the value (deprecated) for as long as the stream retains messages that may hold it",
          source: "contractkit",
        }),
      );
    }
  }
  return out;
}

/** Enums used by fields of events that a stream persists (anywhere in the baseline) → the events. */
function persistedEventEnums(ctx: RuleContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of ctx.previousFull().byName.values()) {
    if (e.kind !== "message") continue;
    const ev = ctx.previous.options.event(e.proto.options);
    if (!ev?.stream) continue;
    for (const f of e.proto.field) {
      if (!f.typeName) continue;
      const name = f.typeName.replace(/^\./, "");
      out.set(name, [...(out.get(name) ?? []), e.fullName]);
    }
  }
  return out;
}
