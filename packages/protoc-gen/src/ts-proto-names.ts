import type {
  DescEnum,
  DescField,
  DescFile,
  DescMessage,
  DescMethod,
  DescOneof,
} from "@bufbuild/protobuf";

/**
 * The names ts-proto 2.18 gives things, so generated code can refer to its output. Kept
 * in one place: when ts-proto's naming changes, only this file changes.
 */

/** ts-proto's snake_case → camelCase for keys and type-name segments. */
export function tsProtoCamel(name: string): string {
  if (!name.includes("_")) return name;
  const hasLower = /[a-z]/.test(name);
  return name
    .split("_")
    .map((word, i) => {
      const w = hasLower ? word : word.toLowerCase();
      return i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join("");
}

/** Names ts-proto renames because they shadow globals. */
const BUILT_IN_NAMES = new Set(["Date", "Function"]);

/** The exported TypeScript name of a message or enum: nested names joined by `_`. */
export function tsTypeName(desc: DescMessage | DescEnum): string {
  const segments: string[] = [];
  let cur: DescMessage | DescEnum | undefined = desc;
  while (cur) {
    segments.unshift(tsProtoCamel(cur.name));
    cur = cur.parent;
  }
  const name = segments.join("_");
  return BUILT_IN_NAMES.has(name) ? `${name}Message` : name;
}

/** The property name of a field in ts-proto's interface. */
export function tsPropertyName(field: DescField): string {
  return tsProtoCamel(field.name);
}

/** The property name of a `oneof` group (with `oneof=unions`). */
export function tsOneofName(oneof: DescOneof): string {
  return tsProtoCamel(oneof.name);
}

const WORD = /^[a-z]+|[A-Z][a-z]+|[a-z]+|[0-9]+|[A-Z]+(?![a-z])/g;

/**
 * The key of a method in ts-proto's grpc-js service definition (grpc-js camel case:
 * `GetAPIValue` → `getApiValue`).
 */
export function tsMethodName(method: DescMethod): string {
  const words = method.name.match(WORD) ?? [method.name];
  return words
    .map((w, i) =>
      i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase(),
    )
    .join("");
}

/** Import path (from the output root) of ts-proto's module for a proto file. */
export function tsProtoImportPath(file: DescFile): string {
  return `./${file.proto.name.replace(/\.proto$/, "")}.js`;
}

/** Output file name of the contract module for a proto file. */
export function contractFileName(file: DescFile): string {
  return `${file.proto.name.replace(/\.proto$/, "")}.contract.ts`;
}

/** Import path (from the output root) of the contract module for a proto file. */
export function contractImportPath(file: DescFile): string {
  return `./${file.proto.name.replace(/\.proto$/, "")}.contract.js`;
}

/** Whether a proto file is one of the imported option / well-known files never generated. */
export function isToolingFile(file: DescFile): boolean {
  const name = file.proto.name;
  return (
    name.startsWith("google/protobuf/") ||
    name.startsWith("contractkit/v1/") ||
    name.startsWith("buf/validate/")
  );
}
