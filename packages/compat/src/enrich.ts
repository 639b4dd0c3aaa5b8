import type { BufFinding } from "./buf-breaking.js";
import { type ContractIndex, type Element, elementAt, packageOf } from "./contract-index.js";
import { createFinding, type Finding, type FindingLocation } from "./finding.js";
import { bufRuleCategory } from "./policy.js";

/** One side of the comparison: its decoded files and how to name them to the user. */
export interface Side {
  index: ContractIndex;
  userPath(protoName: string): string;
}

/** Rules that report a deletion; all of them for one element become one finding. */
const DELETE_RULE = /_NO_DELETE(_UNLESS_\w+)?$/;
const PRIORITY = [
  "RPC_NO_DELETE",
  "SERVICE_NO_DELETE",
  "PACKAGE_SERVICE_NO_DELETE",
  "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
  "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
  "FIELD_NO_DELETE",
  "ENUM_VALUE_NO_DELETE",
  "FIELD_SAME_NAME",
];

/**
 * Turns buf's findings into ContractKit findings: the element's full name, the
 * baseline's position for anything deleted (buf points at the parent in the current
 * file) and one finding per element.
 */
export function enrichBufFindings(
  findings: readonly BufFinding[],
  previous: Side,
  current: Side,
): Finding[] {
  const groups = new Map<
    string,
    {
      element: string;
      location: FindingLocation;
      items: BufFinding[];
      deleted?: Element;
      anchor?: Element;
    }
  >();
  for (const f of findings) {
    const anchor = elementAt(current.index, f.path, f.start_line, f.start_column);
    const isDelete = DELETE_RULE.test(f.type) && !f.type.startsWith("RESERVED_");
    const deleted = isDelete ? findDeleted(f, anchor, previous.index, current.index) : undefined;
    // A service moved to another file of the same package keeps its method paths.
    if (
      deleted?.kind === "service" &&
      f.type === "SERVICE_NO_DELETE" &&
      current.index.byName.get(deleted.fullName)?.kind === "service"
    )
      continue;
    const element =
      deleted?.fullName ?? anchor?.fullName ?? fileElement(f, previous.index, current.index);
    const location: FindingLocation = deleted?.span
      ? {
          file: previous.userPath(deleted.file),
          line: deleted.span.line,
          column: deleted.span.column,
          side: "baseline",
        }
      : {
          file: current.userPath(f.path),
          line: f.start_line,
          column: f.start_column,
          side: "current",
        };
    const group = isDelete
      ? "delete"
      : f.type === "FIELD_SAME_JSON_NAME"
        ? "FIELD_SAME_NAME"
        : f.type;
    const key = `${element}\0${group}`;
    const existing = groups.get(key);
    if (existing) existing.items.push(f);
    else
      groups.set(key, {
        element,
        location,
        items: [f],
        ...(deleted ? { deleted } : {}),
        ...(anchor ? { anchor } : {}),
      });
  }
  const out: Finding[] = [];
  for (const g of groups.values()) {
    const rules = [...new Set(g.items.map((i) => i.type))].sort(byPriority);
    const rule = rules[0] as string;
    const primary = g.items.find((i) => i.type === rule) as BufFinding;
    const message = g.deleted
      ? deletedMessage(g.deleted)
      : g.items.length > 1
        ? g.items.map((i) => i.message).join(" ")
        : primary.message;
    out.push(
      createFinding({
        rule,
        rules,
        category: bufRuleCategory(rule),
        location: g.location,
        element: g.element,
        message,
        hint: hintFor(rule, g.deleted),
        source: "buf",
      }),
    );
  }
  return out;
}

function byPriority(a: string, b: string): number {
  const ia = PRIORITY.indexOf(a);
  const ib = PRIORITY.indexOf(b);
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}

function findDeleted(
  f: BufFinding,
  anchor: Element | undefined,
  prev: ContractIndex,
  cur: ContractIndex,
): Element | undefined {
  const pkg = packageOf(prev, f.path) || packageOf(cur, f.path);
  const qualify = (name: string) => (pkg && !name.startsWith(`${pkg}.`) ? `${pkg}.${name}` : name);
  const msg = f.message;
  const parentName = (kind: Element["kind"], printed: string | undefined) =>
    anchor?.kind === kind ? anchor.fullName : printed ? qualify(printed) : undefined;
  const field = f.type.startsWith("FIELD_")
    ? msg.match(/field "(\d+)".*? on message "([\w.]+)"/)
    : null;
  if (field) {
    const parent = prev.byName.get(parentName("message", field[2]) ?? "");
    const number = Number(field[1]);
    const name =
      parent?.kind === "message"
        ? parent.proto.field.find((x) => x.number === number)?.name
        : undefined;
    return name ? prev.byName.get(`${parent?.fullName}.${name}`) : undefined;
  }
  const value = f.type.startsWith("ENUM_VALUE_")
    ? msg.match(/enum value "(-?\d+)" on enum "([\w.]+)"/)
    : null;
  if (value) {
    const parent = prev.byName.get(parentName("enum", value[2]) ?? "");
    const number = Number(value[1]);
    const name =
      parent?.kind === "enum"
        ? parent.proto.value.find((x) => x.number === number)?.name
        : undefined;
    return name ? prev.byName.get(`${parent?.fullName}.${name}`) : undefined;
  }
  const oneof = msg.match(/oneof "(\w+)" on message "([\w.]+)"/);
  if (oneof) return prev.byName.get(`${parentName("message", oneof[2])}.${oneof[1]}`);
  const rpc = msg.match(/RPC "(\w+)" on service "([\w.]+)"/);
  if (rpc) return prev.byName.get(`${parentName("service", rpc[2])}.${rpc[1]}`);
  const type = msg.match(/(message|enum|service) "([\w.]+)" was deleted/);
  if (type) return prev.byName.get(qualify(type[2] as string));
  return undefined;
}

function fileElement(f: BufFinding, prev: ContractIndex, cur: ContractIndex): string {
  return packageOf(cur, f.path) || packageOf(prev, f.path) || f.path;
}

function deletedMessage(e: Element): string {
  const parent = e.parent?.fullName ?? "";
  switch (e.kind) {
    case "field":
      return `field "${e.proto.name}" = ${e.proto.number} of ${parent} was deleted.`;
    case "enum_value":
      return `enum value ${e.proto.name} = ${e.proto.number} of ${parent} was deleted.`;
    case "method":
      return `RPC ${e.fullName} was deleted: the gRPC method path /${parent}/${e.proto.name} is gone and callers get UNIMPLEMENTED.`;
    case "service":
      return `service ${e.fullName} was deleted or renamed: every method path /${e.fullName}/… is gone and callers get UNIMPLEMENTED.`;
    default:
      return `${e.kind.replace("_", " ")} ${e.fullName} was deleted.`;
  }
}

export function deletionHint(e: Element): string {
  if (e.kind !== "field" && e.kind !== "enum_value") return "";
  const { name, number } = e.proto;
  return `mark it \`deprecated = true\` and release; then delete it and add \`reserved ${number}; reserved "${name}";\``;
}

function hintFor(rule: string, deleted: Element | undefined): string {
  if (deleted && (deleted.kind === "field" || deleted.kind === "enum_value"))
    return deletionHint(deleted);
  if (deleted?.kind === "method" || deleted?.kind === "service") {
    return "keep the old RPC (mark it `option deprecated = true;`) until no client calls it; add the new one beside it";
  }
  if (
    rule === "FIELD_SAME_NAME" ||
    rule === "FIELD_SAME_JSON_NAME" ||
    rule === "ENUM_VALUE_SAME_NAME"
  ) {
    return "keep the old name: JSON payloads and generated code use it. Add a new field with a new number and deprecate the old one";
  }
  if (rule.includes("COMPATIBLE_TYPE") || rule === "FIELD_SAME_TYPE") {
    return "do not change a field's type: add a new field with a new number, deprecate the old one, then reserve it";
  }
  if (rule.startsWith("RESERVED_"))
    return "keep the reservation: old data and old clients may still use that number or name";
  if (rule === "FILE_SAME_PACKAGE")
    return "moving to another package renames every type and gRPC method path; add the new package beside the old one";
  if (rule.startsWith("RPC_SAME_"))
    return "add a new RPC with the new signature beside the old one";
  return `see buf's rule ${rule}: https://buf.build/docs/breaking/rules/`;
}
