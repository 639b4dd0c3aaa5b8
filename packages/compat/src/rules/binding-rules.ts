import type { Element, MessageElement, ServiceElement } from "../contract-index.js";
import { createFinding, type Finding } from "../finding.js";
import { changedPreviousElements, locate, type RuleContext } from "./rule-context.js";

/**
 * Event and service bindings, which live in custom options that buf's rules ignore:
 * subjects, streams, transports, NATS prefixes and queue groups, `publishes`, and the
 * `sensitive` flag.
 */
export function checkBindings(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const { previous, current } = ctx;
  const here = (e: Element) => locate(current, e, "current");
  const there = (e: Element) => locate(previous, e, "baseline");
  for (const before of changedPreviousElements(ctx)) {
    const after = current.index.byName.get(before.fullName);
    if (before.kind === "message") {
      const ev = previous.options.event(before.proto.options);
      if (!ev) continue;
      if (after?.kind !== "message") {
        out.push(
          createFinding({
            rule: "CK_EVENT_DELETED",
            category: "binding",
            location: there(before),
            element: before.fullName,
            message: `event ${before.fullName} was deleted or renamed: its ce-type changes and consumers of "${ev.subject}" stop receiving it.`,
            hint: "keep the event message and its name; publish a new event type beside it and retire the old one once no consumer needs it",
            source: "contractkit",
          }),
        );
        continue;
      }
      const now = current.options.event((after as MessageElement).proto.options);
      if (!now) {
        out.push(
          createFinding({
            rule: "CK_EVENT_ANNOTATION_REMOVED",
            category: "binding",
            location: here(after),
            element: before.fullName,
            message: `${before.fullName} is no longer an event: the (contractkit.v1.event) option was removed, so nothing publishes it on "${ev.subject}".`,
            hint: "restore the event option; to retire an event, stop consuming it everywhere first",
            source: "contractkit",
          }),
        );
        continue;
      }
      for (const [key, label] of [
        ["subject", "subject template"],
        ["stream", "stream"],
      ] as const) {
        if (ev[key] === now[key]) continue;
        out.push(
          createFinding({
            rule: key === "subject" ? "CK_EVENT_SUBJECT_CHANGED" : "CK_EVENT_STREAM_CHANGED",
            category: "binding",
            location: here(after),
            element: before.fullName,
            message: `event ${before.fullName} changed its ${label} from "${ev[key]}" to "${now[key]}": consumers bound to the old ${label} stop receiving it.`,
            hint: "keep the old binding; introduce a new event type for the new one and migrate consumers first",
            source: "contractkit",
            subject: key,
          }),
        );
      }
    } else if (before.kind === "service" && after?.kind === "service") {
      out.push(...checkService(ctx, before, after, here(after)));
    } else if (before.kind === "field" && after?.kind === "field") {
      if (
        previous.options.sensitive(before.proto.options) &&
        !current.options.sensitive(after.proto.options)
      ) {
        out.push(
          createFinding({
            rule: "CK_SENSITIVE_REMOVED",
            category: "binding",
            location: here(after),
            element: before.fullName,
            message: `field ${before.fullName} is no longer marked sensitive: its personal data would appear in logs, subjects and the hospital view.`,
            hint: "keep `(contractkit.v1.field) = { sensitive: true }`; if the data really is not personal, accept the change with an exception naming the approver",
            source: "contractkit",
          }),
        );
      }
    }
  }
  return out;
}

function checkService(
  ctx: RuleContext,
  before: ServiceElement,
  after: ServiceElement,
  location: Finding["location"],
): Finding[] {
  const out: Finding[] = [];
  const was = ctx.previous.options.service(before.proto.options);
  const now = ctx.current.options.service(after.proto.options);
  const name = before.fullName;
  const push = (rule: string, message: string, hint: string, subject = "") =>
    out.push(
      createFinding({
        rule,
        category: "binding",
        location,
        element: name,
        message,
        hint,
        source: "contractkit",
        subject,
      }),
    );
  if (was.transport !== now.transport) {
    push(
      "CK_SERVICE_TRANSPORT_CHANGED",
      `service ${name} moved from ${was.transport} to ${now.transport}: existing clients call it over ${was.transport}.`,
      "serve both transports during the migration: add a new service for the new transport and retire the old one later",
    );
  } else if (was.transport === "nats") {
    const prefix = (b: typeof was) => b.subjectPrefix || name;
    const group = (b: typeof was) => b.queueGroup || name;
    if (prefix(was) !== prefix(now)) {
      push(
        "CK_NATS_SUBJECT_CHANGED",
        `service ${name} changed its NATS subject prefix from "${prefix(was)}" to "${prefix(now)}": old callers send requests nobody answers.`,
        "keep the subject prefix; a new prefix needs a new service",
      );
    }
    if (group(was) !== group(now)) {
      push(
        "CK_NATS_QUEUE_GROUP_CHANGED",
        `service ${name} changed its queue group from "${group(was)}" to "${group(now)}": old and new instances would each answer every request during a rollout.`,
        "keep the queue group name",
      );
    }
  }
  const resolve = (n: string, pkg: string) =>
    n.startsWith(".") ? n.slice(1) : n.includes(".") || !pkg ? n : `${pkg}.${n}`;
  const pkgOf = (full: string, short: string) =>
    full.slice(0, Math.max(0, full.length - short.length - 1));
  const nowSet = new Set(
    now.publishes.map((p) => resolve(p, pkgOf(after.fullName, after.proto.name))),
  );
  for (const p of was.publishes) {
    const full = resolve(p, pkgOf(before.fullName, before.proto.name));
    if (nowSet.has(full)) continue;
    push(
      "CK_PUBLISHES_DROPPED",
      `service ${name} no longer publishes ${full}: its consumers would starve.`,
      "keep publishing the event until its consumers have moved on, then drop it with an exception",
      full,
    );
  }
  return out;
}
