import {
  type DescExtension,
  type DescField,
  type DescFile,
  type DescMessage,
  type DescMethod,
  type DescService,
  getOption,
  hasOption,
} from "@bufbuild/protobuf";

/**
 * Reads the ContractKit annotations (`contractkit/v1/options.proto`) from descriptors.
 * The extensions are taken from the request itself (the options file is always part of
 * it when a contract uses them), so the plugin carries no generated copy of that file.
 */

export const OPTIONS_FILE = "contractkit/v1/options.proto";

export interface EventOption {
  readonly subject: string;
  readonly stream: string;
}

export interface ServiceOption {
  readonly transport: "grpc" | "nats";
  readonly subjectPrefix: string;
  readonly queueGroup: string;
  readonly publishes: readonly string[];
  readonly consumes: readonly string[];
}

export interface MethodOption {
  readonly timeoutMs: number | undefined;
  readonly longRunning: boolean;
}

/** Transport enum numbers in options.proto. */
const TRANSPORT_NATS = 2;

export interface ContractOptionReader {
  event(message: DescMessage): EventOption | undefined;
  service(service: DescService): ServiceOption;
  method(method: DescMethod): MethodOption;
  sensitive(field: DescField): boolean;
}

type Loose = Record<string, unknown>;

/** Creates a reader over the option extensions found in `files` (all files of the request). */
export function createOptionReader(files: readonly DescFile[]): ContractOptionReader {
  const optionsFile = files.find((f) => f.proto.name === OPTIONS_FILE);
  const ext = (name: string): DescExtension | undefined =>
    optionsFile?.extensions.find((e) => e.typeName === `contractkit.v1.${name}`);
  const eventExt = ext("event");
  const serviceExt = ext("service");
  const methodExt = ext("method");
  const fieldExt = ext("field");

  const read = (
    desc: DescMessage | DescService | DescMethod | DescField,
    e: DescExtension | undefined,
  ) => {
    if (!e || !hasOption(desc as never, e as never)) return undefined;
    return getOption(desc as never, e as never) as unknown as Loose;
  };

  return {
    event(message) {
      const v = read(message, eventExt);
      if (!v) return undefined;
      return { subject: String(v.subject ?? ""), stream: String(v.stream ?? "") };
    },
    service(service) {
      const v = read(service, serviceExt) ?? {};
      return {
        transport: v.transport === TRANSPORT_NATS ? "nats" : "grpc",
        subjectPrefix: String(v.subjectPrefix ?? ""),
        queueGroup: String(v.queueGroup ?? ""),
        publishes: ((v.publishes as string[] | undefined) ?? []).map(String),
        consumes: ((v.consumes as string[] | undefined) ?? []).map(String),
      };
    },
    method(method) {
      const v = read(method, methodExt) ?? {};
      const timeout = Number(v.timeoutMs ?? 0);
      return { timeoutMs: timeout > 0 ? timeout : undefined, longRunning: v.longRunning === true };
    },
    sensitive(field) {
      const v = read(field, fieldExt);
      return v?.sensitive === true;
    },
  };
}
