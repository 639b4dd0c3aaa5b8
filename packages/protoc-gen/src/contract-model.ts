import {
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
  ScalarType,
} from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { type ContractDiagnostic, diag } from "./contract-definition-error.js";
import { type ContractOptionReader, createOptionReader } from "./contract-options.js";
import { locate, locateOption, type SourcePosition } from "./source-location.js";
import { parseSubjectTemplate, type SubjectPart, wildcardSubject } from "./subject-template.js";
import { resolveTopology } from "./topology.js";
import { isToolingFile, tsMethodName, tsPropertyName } from "./ts-proto-names.js";

/**
 * What a request declares, as the emitters and the checks see it: events with their
 * resolved subject tokens, services with their transport and topology. Building it
 * collects diagnostics for everything that cannot be resolved; `contract-checks.ts` adds
 * the checks that compare declarations with each other.
 */

export type TokenKind = "string" | "integer" | "enum";
export type StreamingKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";
export type IdempotencyLevel = "IDEMPOTENCY_UNKNOWN" | "NO_SIDE_EFFECTS" | "IDEMPOTENT";

export interface TokenModel {
  readonly field: DescField;
  /** Proto field name, as written in the template. */
  readonly name: string;
  /** ts-proto property name. */
  readonly key: string;
  readonly kind: TokenKind;
  readonly enumNames?: Readonly<Record<number, string>>;
}

export interface EventModel {
  readonly message: DescMessage;
  readonly subject: string;
  readonly stream: string;
  readonly parts: readonly SubjectPart[];
  readonly tokens: readonly TokenModel[];
  /** The subject with `*` for each token; undefined when the template is invalid. */
  readonly wildcard: string | undefined;
  readonly position: SourcePosition;
}

export interface MethodModel {
  readonly method: DescMethod;
  /** ts-proto's (grpc-js) method name, e.g. `placeOrder`. */
  readonly name: string;
  readonly kind: StreamingKind;
  readonly timeoutMs: number | undefined;
  readonly idempotency: IdempotencyLevel;
  readonly longRunning: boolean;
  /** `/pkg.Service/Method` */
  readonly path: string;
  /** NATS transport: `<prefix>.<Method>`. */
  readonly subject: string | undefined;
}

export interface ServiceModel {
  readonly service: DescService;
  readonly transport: "grpc" | "nats";
  readonly subjectPrefix: string;
  readonly queueGroup: string;
  readonly methods: readonly MethodModel[];
  /** Full names of events, resolved. */
  readonly publishes: readonly string[];
  readonly consumes: readonly string[];
  readonly position: SourcePosition;
}

export interface ContractModel {
  readonly options: ContractOptionReader;
  /** Events of every user file in the request (imports included), by full name. */
  readonly events: ReadonlyMap<string, EventModel>;
  readonly services: readonly ServiceModel[];
  readonly diagnostics: ContractDiagnostic[];
}

const INTEGER_SCALARS = new Set<ScalarType>([
  ScalarType.INT32,
  ScalarType.UINT32,
  ScalarType.SINT32,
  ScalarType.FIXED32,
  ScalarType.SFIXED32,
  ScalarType.INT64,
  ScalarType.UINT64,
  ScalarType.SINT64,
  ScalarType.FIXED64,
  ScalarType.SFIXED64,
]);

const IDEMPOTENCY: Record<MethodOptions_IdempotencyLevel, IdempotencyLevel> = {
  [MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN]: "IDEMPOTENCY_UNKNOWN",
  [MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS]: "NO_SIDE_EFFECTS",
  [MethodOptions_IdempotencyLevel.IDEMPOTENT]: "IDEMPOTENT",
};

function* messagesOf(file: DescFile): Generator<DescMessage> {
  const walk = function* (m: DescMessage): Generator<DescMessage> {
    yield m;
    for (const n of m.nestedMessages) yield* walk(n);
  };
  for (const m of file.messages) yield* walk(m);
}

export { messagesOf };

function tokenKind(field: DescField): TokenKind | undefined {
  if (field.oneof) return undefined;
  if (field.fieldKind === "enum") return "enum";
  if (field.fieldKind !== "scalar") return undefined;
  if (field.scalar === ScalarType.STRING) return "string";
  return INTEGER_SCALARS.has(field.scalar) ? "integer" : undefined;
}

function buildEvent(
  message: DescMessage,
  reader: ContractOptionReader,
  out: ContractDiagnostic[],
): EventModel | undefined {
  const option = reader.event(message);
  if (!option) return undefined;
  const at = locateOption(message);
  const parsed = parseSubjectTemplate(option.subject);
  const codes = {
    empty: "SUBJECT_EMPTY",
    invalid: "SUBJECT_INVALID",
    token_not_whole_part: "SUBJECT_TOKEN_NOT_WHOLE_PART",
  } as const;
  for (const p of parsed.problems) {
    out.push(diag(codes[p.kind], at, `event ${message.typeName}: ${p.message}`));
  }
  if (option.stream !== "" && !/^[A-Za-z0-9_-]+$/.test(option.stream)) {
    out.push(
      diag(
        "SUBJECT_INVALID",
        at,
        `event ${message.typeName}: stream "${option.stream}" is not a valid JetStream stream name; use letters, digits, "_" and "-"`,
      ),
    );
  }
  const allowed = message.fields
    .filter((f) => tokenKind(f) && !reader.sensitive(f))
    .map((f) => f.name);
  const allowedText = allowed.length
    ? allowed.join(", ")
    : "(none: add a string, integer or enum field)";
  const tokens: TokenModel[] = [];
  let tokensOk = true;
  for (const part of parsed.parts) {
    if (!("token" in part)) continue;
    const field = message.fields.find((f) => f.name === part.token);
    const kind = field && tokenKind(field);
    if (!field || !kind) {
      tokensOk = false;
      const what = field
        ? `field ${field.name} is not a plain string, integer or enum field`
        : "names no field";
      out.push(
        diag(
          "SUBJECT_TOKEN_UNKNOWN_FIELD",
          at,
          `event ${message.typeName}: subject token {${part.token}} ${what} of ${message.name}; allowed fields: ${allowedText}`,
        ),
      );
      continue;
    }
    if (reader.sensitive(field)) {
      tokensOk = false;
      out.push(
        diag(
          "SUBJECT_TOKEN_SENSITIVE",
          at,
          `event ${message.typeName}: subject token {${part.token}} is a sensitive field of ${message.name} and would leak personal data into subjects; allowed fields: ${allowedText}`,
        ),
      );
      continue;
    }
    const token: TokenModel = { field, name: field.name, key: tsPropertyName(field), kind };
    if (field.fieldKind === "enum") {
      const names: Record<number, string> = {};
      for (const v of field.enum.values) if (!(v.number in names)) names[v.number] = v.name;
      tokens.push({ ...token, enumNames: names });
    } else {
      tokens.push(token);
    }
  }
  const valid = parsed.problems.length === 0 && tokensOk;
  return {
    message,
    subject: option.subject,
    stream: option.stream,
    parts: parsed.parts,
    tokens,
    wildcard: valid ? wildcardSubject(parsed.parts) : undefined,
    position: at,
  };
}

/** Reads every declaration of the request's user files (tooling imports excluded). */
export function buildContractModel(allFiles: readonly DescFile[]): ContractModel {
  const reader = createOptionReader(allFiles);
  const diagnostics: ContractDiagnostic[] = [];
  const userFiles = allFiles.filter((f) => !isToolingFile(f));
  const events = new Map<string, EventModel>();
  const messages = new Map<string, DescMessage>();
  for (const file of allFiles) {
    for (const m of messagesOf(file)) messages.set(m.typeName, m);
  }
  for (const file of userFiles) {
    for (const m of messagesOf(file)) {
      const e = buildEvent(m, reader, diagnostics);
      if (e) events.set(m.typeName, e);
    }
  }
  const services: ServiceModel[] = [];
  for (const file of userFiles) {
    for (const service of file.services) {
      const option = reader.service(service);
      const subjectPrefix = option.subjectPrefix || service.typeName;
      const methods = service.methods.map((method): MethodModel => {
        const m = reader.method(method);
        return {
          method,
          name: tsMethodName(method),
          kind: method.methodKind,
          timeoutMs: m.timeoutMs,
          idempotency: IDEMPOTENCY[method.idempotency] ?? "IDEMPOTENCY_UNKNOWN",
          longRunning: m.longRunning,
          path: `/${service.typeName}/${method.name}`,
          subject: option.transport === "nats" ? `${subjectPrefix}.${method.name}` : undefined,
        };
      });
      services.push({
        service,
        transport: option.transport,
        subjectPrefix,
        queueGroup: option.queueGroup || service.typeName,
        methods,
        publishes: resolveTopology(
          service,
          "publishes",
          option.publishes,
          events,
          messages,
          diagnostics,
        ),
        consumes: resolveTopology(
          service,
          "consumes",
          option.consumes,
          events,
          messages,
          diagnostics,
        ),
        position: locate(service),
      });
    }
  }
  return { options: reader, events, services, diagnostics };
}
