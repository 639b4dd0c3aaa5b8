import {
  createFileRegistry,
  type DescExtension,
  fromBinary,
  getExtension,
  hasExtension,
} from "@bufbuild/protobuf";
import {
  type FieldOptions,
  FileDescriptorProtoSchema,
  file_google_protobuf_descriptor,
  type MessageOptions,
  type ServiceOptions,
} from "@bufbuild/protobuf/wkt";
import type { RawImage } from "../raw-image.js";

const OPTIONS_FILE = "contractkit/v1/options.proto";
const TRANSPORT_NATS = 2;

export interface EventBinding {
  subject: string;
  stream: string;
}

export interface ServiceBinding {
  transport: "grpc" | "nats";
  subjectPrefix: string;
  queueGroup: string;
  publishes: string[];
}

/** Reads ContractKit's annotations from one side's descriptors. */
export interface OptionReader {
  event(options: MessageOptions | undefined): EventBinding | undefined;
  service(options: ServiceOptions | undefined): ServiceBinding;
  sensitive(options: FieldOptions | undefined): boolean;
}

type Loose = Record<string, unknown>;

/**
 * The extensions come from the image itself (it carries `contractkit/v1/options.proto`
 * whenever a contract uses them), so no generated copy of the annotations is needed. An
 * image without the file has no ContractKit options at all.
 */
export function createOptionReader(image: RawImage): OptionReader {
  const raw = image.files.get(OPTIONS_FILE);
  let ext: (name: string) => DescExtension | undefined = () => undefined;
  if (raw) {
    const registry = createFileRegistry(fromBinary(FileDescriptorProtoSchema, raw.bytes), (name) =>
      name === "google/protobuf/descriptor.proto" ? file_google_protobuf_descriptor : undefined,
    );
    ext = (name) => registry.getExtension(`contractkit.v1.${name}`);
  }
  const eventExt = ext("event");
  const serviceExt = ext("service");
  const fieldExt = ext("field");
  // biome-ignore lint/suspicious/noExplicitAny: the extendee is checked by name at run time
  type AnyOptions = any;
  const read = (
    options: MessageOptions | ServiceOptions | FieldOptions | undefined,
    e: DescExtension | undefined,
  ) => {
    const o = options as AnyOptions;
    return o && e && hasExtension(o, e) ? (getExtension(o, e) as Loose) : undefined;
  };
  return {
    event(options) {
      const v = read(options, eventExt);
      return v ? { subject: String(v.subject ?? ""), stream: String(v.stream ?? "") } : undefined;
    },
    service(options) {
      const v = read(options, serviceExt) ?? {};
      return {
        transport: v.transport === TRANSPORT_NATS ? "nats" : "grpc",
        subjectPrefix: String(v.subjectPrefix ?? ""),
        queueGroup: String(v.queueGroup ?? ""),
        publishes: Array.isArray(v.publishes) ? v.publishes.map(String) : [],
      };
    },
    sensitive(options) {
      return read(options, fieldExt)?.sensitive === true;
    },
  };
}
