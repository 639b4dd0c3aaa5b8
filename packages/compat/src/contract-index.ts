import { fromBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type EnumDescriptorProto,
  type EnumValueDescriptorProto,
  type FieldDescriptorProto,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
  type MethodDescriptorProto,
  type OneofDescriptorProto,
  type ServiceDescriptorProto,
  type SourceCodeInfo_Location,
} from "@bufbuild/protobuf/wkt";
import type { RawImage } from "./raw-image.js";

export type ElementKind =
  | "message"
  | "field"
  | "oneof"
  | "enum"
  | "enum_value"
  | "service"
  | "method";

export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface ElementBase<K extends ElementKind, P> {
  kind: K;
  /** `pkg.Msg`, `pkg.Msg.field`, `pkg.Enum.VALUE` (enum values are named under their enum). */
  fullName: string;
  /** Import path of the file that declares it. */
  file: string;
  span: Span | undefined;
  /** Leading, trailing and detached comments, joined. */
  comments: string;
  proto: P;
  parent: Element | undefined;
}

export type MessageElement = ElementBase<"message", DescriptorProto>;
export type FieldElement = ElementBase<"field", FieldDescriptorProto>;
export type OneofElement = ElementBase<"oneof", OneofDescriptorProto>;
export type EnumElement = ElementBase<"enum", EnumDescriptorProto>;
export type EnumValueElement = ElementBase<"enum_value", EnumValueDescriptorProto>;
export type ServiceElement = ElementBase<"service", ServiceDescriptorProto>;
export type MethodElement = ElementBase<"method", MethodDescriptorProto>;
export type Element =
  | MessageElement
  | FieldElement
  | OneofElement
  | EnumElement
  | EnumValueElement
  | ServiceElement
  | MethodElement;

/** The decoded part of one side of the comparison. */
export interface ContractIndex {
  readonly files: ReadonlyMap<string, FileDescriptorProto>;
  readonly byName: ReadonlyMap<string, Element>;
  /** Elements of a file, in declaration order (for position lookups). */
  readonly byFile: ReadonlyMap<string, readonly Element[]>;
}

/** Decodes only the named files of a raw image and indexes their elements. */
export function indexContract(image: RawImage, names: Iterable<string>): ContractIndex {
  const files = new Map<string, FileDescriptorProto>();
  const byName = new Map<string, Element>();
  const byFile = new Map<string, Element[]>();
  for (const name of names) {
    const raw = image.files.get(name);
    if (!raw) continue;
    const file = fromBinary(FileDescriptorProtoSchema, raw.bytes);
    files.set(name, file);
    const elements: Element[] = [];
    byFile.set(name, elements);
    indexFile(file, (e) => {
      elements.push(e);
      byName.set(e.fullName, e);
    });
  }
  return { files, byName, byFile };
}

function indexFile(file: FileDescriptorProto, add: (e: Element) => void): void {
  const locations = new Map<string, SourceCodeInfo_Location>();
  for (const loc of file.sourceCodeInfo?.location ?? []) locations.set(loc.path.join(","), loc);
  const pkg = file.package ? `${file.package}.` : "";
  const at = (path: number[]) => locations.get(path.join(","));
  const make = <E extends Element>(
    kind: E["kind"],
    fullName: string,
    proto: E["proto"],
    path: number[],
    parent?: Element,
  ): E => {
    const loc = at(path);
    const element = {
      kind,
      fullName,
      file: file.name,
      span: loc ? toSpan(loc.span) : undefined,
      comments: loc
        ? [...loc.leadingDetachedComments, loc.leadingComments, loc.trailingComments].join("\n")
        : "",
      proto,
      parent,
    } as E;
    add(element);
    return element;
  };
  const addEnum = (en: EnumDescriptorProto, scope: string, path: number[], parent?: Element) => {
    const e = make<EnumElement>("enum", scope + en.name, en, path, parent);
    for (const [i, v] of en.value.entries()) {
      make<EnumValueElement>("enum_value", `${e.fullName}.${v.name}`, v, [...path, 2, i], e);
    }
  };
  const addMessage = (m: DescriptorProto, scope: string, path: number[], parent?: Element) => {
    const msg = make<MessageElement>("message", scope + m.name, m, path, parent);
    const inner = `${msg.fullName}.`;
    for (const [i, f] of m.field.entries())
      make<FieldElement>("field", inner + f.name, f, [...path, 2, i], msg);
    for (const [i, o] of m.oneofDecl.entries())
      make<OneofElement>("oneof", inner + o.name, o, [...path, 8, i], msg);
    for (const [i, n] of m.nestedType.entries()) addMessage(n, inner, [...path, 3, i], msg);
    for (const [i, n] of m.enumType.entries()) addEnum(n, inner, [...path, 4, i], msg);
  };
  for (const [i, m] of file.messageType.entries()) addMessage(m, pkg, [4, i]);
  for (const [i, e] of file.enumType.entries()) addEnum(e, pkg, [5, i]);
  for (const [i, s] of file.service.entries()) {
    const svc = make<ServiceElement>("service", pkg + s.name, s, [6, i]);
    for (const [j, m] of s.method.entries()) {
      make<MethodElement>("method", `${svc.fullName}.${m.name}`, m, [6, i, 2, j], svc);
    }
  }
}

function toSpan(span: number[]): Span | undefined {
  if (span.length < 3) return undefined;
  const [line, column, a, b] = span as [number, number, number, number | undefined];
  return b === undefined
    ? { line: line + 1, column: column + 1, endLine: line + 1, endColumn: a + 1 }
    : { line: line + 1, column: column + 1, endLine: a + 1, endColumn: b + 1 };
}

/** The innermost element of `file` whose source span contains the position (1-based). */
export function elementAt(
  index: ContractIndex,
  file: string,
  line: number,
  column: number,
): Element | undefined {
  let best: Element | undefined;
  for (const e of index.byFile.get(file) ?? []) {
    const s = e.span;
    if (!s || !contains(s, line, column)) continue;
    if (!best?.span || spanSize(s) <= spanSize(best.span)) best = e;
  }
  return best;
}

function contains(s: Span, line: number, column: number): boolean {
  if (line < s.line || line > s.endLine) return false;
  if (line === s.line && column < s.column) return false;
  if (line === s.endLine && column > s.endColumn) return false;
  return true;
}

function spanSize(s: Span): number {
  return (s.endLine - s.line) * 10_000 + (s.endColumn - s.column);
}

/** The package of a file in the index ("" when unknown). */
export function packageOf(index: ContractIndex, file: string): string {
  return index.files.get(file)?.package ?? "";
}
