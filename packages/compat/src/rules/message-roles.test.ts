import { create, toBinary } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  DescriptorProtoSchema,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
  FileDescriptorProtoSchema,
  FileDescriptorSetSchema,
  type MessageOptions,
  MessageOptionsSchema,
  OneofDescriptorProtoSchema,
  ServiceDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { type ContractIndex, indexContract } from "../contract-index.js";
import { readRawImage } from "../raw-image.js";
import {
  breaksIn,
  buildRoleGraph,
  contractRoles,
  type MessageRole,
  unionRoles,
} from "./message-roles.js";
import type { OptionReader } from "./option-reader.js";
import type { RuleContext, RuleSide } from "./rule-context.js";

type FieldSpec = { name: string; type?: string; repeated?: boolean; oneof?: number };

function message(
  name: string,
  fields: FieldSpec[],
  extra: Partial<Pick<DescriptorProto, "nestedType" | "oneofDecl" | "options">> = {},
): DescriptorProto {
  return create(DescriptorProtoSchema, {
    name,
    field: fields.map((f, i) =>
      create(FieldDescriptorProtoSchema, {
        name: f.name,
        number: i + 1,
        type: f.type ? FieldDescriptorProto_Type.MESSAGE : FieldDescriptorProto_Type.STRING,
        label: f.repeated
          ? FieldDescriptorProto_Label.REPEATED
          : FieldDescriptorProto_Label.OPTIONAL,
        ...(f.type ? { typeName: `.p.${f.type}` } : {}),
        ...(f.oneof !== undefined ? { oneofIndex: f.oneof } : {}),
      }),
    ),
    ...extra,
  });
}

type Rpc = [name: string, input: string, output: string];

function contract(files: { name: string; messages: DescriptorProto[]; rpcs?: Rpc[] }[]) {
  const set = create(FileDescriptorSetSchema, {
    file: files.map((f) =>
      create(FileDescriptorProtoSchema, {
        name: f.name,
        package: "p",
        messageType: f.messages,
        service: f.rpcs
          ? [
              create(ServiceDescriptorProtoSchema, {
                name: "Svc",
                method: f.rpcs.map(([name, input, output]) => ({
                  name,
                  inputType: `.p.${input}`,
                  outputType: `.p.${output}`,
                })),
              }),
            ]
          : [],
      }),
    ),
  });
  return indexContract(
    readRawImage(toBinary(FileDescriptorSetSchema, set)),
    files.map((f) => f.name),
  );
}

/** Events are marked by name here; the real reader decodes `(contractkit.v1.event)`. */
function reader(streams: Record<string, string>): OptionReader {
  return {
    event: (o: MessageOptions | undefined) => {
      const key = o?.uninterpretedOption[0]?.identifierValue;
      return key !== undefined && key in streams
        ? { subject: "s", stream: streams[key] ?? "" }
        : undefined;
    },
    service: () => ({ transport: "grpc", subjectPrefix: "", queueGroup: "", publishes: [] }),
    sensitive: () => false,
  };
}
const eventMark = (key: string) =>
  create(MessageOptionsSchema, { uninterpretedOption: [{ identifierValue: key }] });

function graph(index: ContractIndex, streams: Record<string, string> = {}) {
  const r = reader(streams);
  return buildRoleGraph(index.byName.values(), (m) => r.event(m.proto.options));
}

const brief = (roles: MessageRole[]) =>
  roles.map(
    (r) =>
      `${r.kind} ${r.via} ${r.path.join(">")}${r.fields.length ? ` [${r.fields.join(", ")}]` : ""}${
        r.baselineOnly ? " (baseline only)" : ""
      }`,
  );

describe("message roles", () => {
  it("gives method inputs the request role and outputs the response role", () => {
    const g = graph(
      contract([
        {
          name: "a.proto",
          messages: [message("Req", []), message("Res", []), message("Unused", [])],
          rpcs: [["Place", "Req", "Res"]],
        },
      ]),
    );
    expect(brief(g.rolesOf("p.Req"))).toEqual(["request p.Svc.Place p.Req"]);
    expect(brief(g.rolesOf("p.Res"))).toEqual(["response p.Svc.Place p.Res"]);
    expect(g.rolesOf("p.Unused")).toEqual([]);
  });

  it("follows singular, repeated, oneof and map-value fields, with the path", () => {
    const entry = message("ItemsEntry", [{ name: "key" }, { name: "value", type: "Item" }], {
      options: create(MessageOptionsSchema, { mapEntry: true }),
    });
    const req = message(
      "Req",
      [
        { name: "address", type: "Address" },
        { name: "lines", type: "Line", repeated: true },
        { name: "gift", type: "Gift", oneof: 0 },
        { name: "items", type: "Req.ItemsEntry", repeated: true },
      ],
      { nestedType: [entry], oneofDecl: [create(OneofDescriptorProtoSchema, { name: "extra" })] },
    );
    const g = graph(
      contract([
        {
          name: "a.proto",
          messages: [
            req,
            message("Res", []),
            message("Address", [{ name: "geo", type: "Geo" }]),
            message("Geo", []),
            message("Line", []),
            message("Gift", []),
            message("Item", []),
          ],
          rpcs: [["Place", "Req", "Res"]],
        },
      ]),
    );
    expect(brief(g.rolesOf("p.Geo"))).toEqual([
      "request p.Svc.Place p.Req>p.Address>p.Geo [p.Req.address, p.Address.geo]",
    ]);
    expect(brief(g.rolesOf("p.Line"))).toEqual(["request p.Svc.Place p.Req>p.Line [p.Req.lines]"]);
    expect(brief(g.rolesOf("p.Gift"))).toEqual(["request p.Svc.Place p.Req>p.Gift [p.Req.gift]"]);
    expect(brief(g.rolesOf("p.Item"))).toEqual([
      "request p.Svc.Place p.Req>p.Req.ItemsEntry>p.Item [p.Req.items]",
    ]);
  });

  it("stops at cycles", () => {
    const g = graph(
      contract([
        {
          name: "a.proto",
          messages: [
            message("Res", [{ name: "node", type: "Node" }]),
            message("Node", [
              { name: "self", type: "Node" },
              { name: "leaf", type: "Leaf" },
            ]),
            message("Leaf", [{ name: "back", type: "Node" }]),
            message("Island", [{ name: "x", type: "Loop" }]),
            message("Loop", [{ name: "y", type: "Island" }]),
            message("Req", []),
          ],
          rpcs: [["Get", "Req", "Res"]],
        },
      ]),
    );
    expect(brief(g.rolesOf("p.Leaf"))).toEqual([
      "response p.Svc.Get p.Res>p.Node>p.Leaf [p.Res.node, p.Node.leaf]",
    ]);
    expect(g.rolesOf("p.Loop")).toEqual([]);
  });

  it("marks events and what they hold, with the stream", () => {
    const g = graph(
      contract([
        {
          name: "a.proto",
          messages: [
            message("Placed", [{ name: "line", type: "Line" }], { options: eventMark("placed") }),
            message("Pinged", [], { options: eventMark("pinged") }),
            message("Line", []),
          ],
        },
      ]),
      { placed: "ORDERS", pinged: "" },
    );
    expect(g.rolesOf("p.Line")).toEqual([
      {
        kind: "event",
        via: "p.Placed",
        path: ["p.Placed", "p.Line"],
        fields: ["p.Placed.line"],
        stream: "ORDERS",
      },
    ]);
    expect(g.rolesOf("p.Pinged")).toEqual([
      { kind: "event", via: "p.Pinged", path: ["p.Pinged"], fields: [], stream: "" },
    ]);
  });

  it("lists every role of a message reached several ways, requests first", () => {
    const g = graph(
      contract([
        {
          name: "a.proto",
          messages: [
            message("Money", []),
            message("Order", [{ name: "total", type: "Money" }]),
            message("Quote", [{ name: "price", type: "Money" }]),
            message("GetReq", []),
          ],
          rpcs: [
            ["Get", "GetReq", "Order"],
            ["Quote", "Quote", "Quote"],
          ],
        },
      ]),
    );
    expect(brief(g.rolesOf("p.Money"))).toEqual([
      "request p.Svc.Quote p.Quote>p.Money [p.Quote.price]",
      "response p.Svc.Get p.Order>p.Money [p.Order.total]",
      "response p.Svc.Quote p.Quote>p.Money [p.Quote.price]",
    ]);
  });

  it("breaks requests when tightened, responses when loosened, events both ways", () => {
    expect(breaksIn("request", "tightened")).toBe(true);
    expect(breaksIn("request", "loosened")).toBe(false);
    expect(breaksIn("response", "tightened")).toBe(false);
    expect(breaksIn("response", "loosened")).toBe(true);
    expect(breaksIn("event", "tightened")).toBe(true);
    expect(breaksIn("event", "loosened")).toBe(true);
  });

  it("unions the current roles with the baseline's, marking those only the baseline has", () => {
    const role = (kind: MessageRole["kind"], via: string, stream = ""): MessageRole => ({
      kind,
      via,
      path: ["p.M"],
      fields: [],
      stream,
    });
    expect(
      unionRoles(
        [role("event", "p.M"), role("response", "p.Svc.Get")],
        [role("response", "p.Svc.Get"), role("request", "p.Svc.Put"), role("event", "p.M", "S")],
      ),
    ).toEqual([
      { ...role("request", "p.Svc.Put"), baselineOnly: true },
      role("response", "p.Svc.Get"),
      role("event", "p.M", "S"),
    ]);
  });
});

describe("contract roles", () => {
  // order.proto changed: in the baseline Order was the response of Get; now Get returns
  // Receipt and Order sits in Envelope, the request of Put in svc.proto, which did not
  // change (so only the full baseline decodes it).
  const svc = {
    name: "svc.proto",
    messages: [message("Ack", [])],
    rpcs: [["Put", "Envelope", "Ack"]] as Rpc[],
  };
  const previousFull = contract([
    {
      name: "order.proto",
      messages: [message("Order", []), message("Envelope", []), message("GetReq", [])],
      rpcs: [["Get", "GetReq", "Order"]],
    },
    svc,
  ]);
  const current = contract([
    {
      name: "order.proto",
      messages: [
        message("Order", []),
        message("Envelope", [{ name: "order", type: "Order" }]),
        message("GetReq", []),
        message("Receipt", []),
      ],
      rpcs: [["Get", "GetReq", "Receipt"]],
    },
  ]);
  const side = (index: ContractIndex): RuleSide => ({
    index,
    userPath: (p) => p,
    options: reader({}),
  });

  it("unions both sides over the whole contract, decoding it only when asked", () => {
    let decoded = 0;
    const ctx: RuleContext = {
      previous: side(contract([{ name: "order.proto", messages: [message("Order", [])] }])),
      current: side(current),
      changed: new Set(["order.proto"]),
      previousFull: () => {
        decoded++;
        return previousFull;
      },
    };
    const rolesOf = contractRoles(ctx);
    expect(decoded).toBe(0);
    expect(brief(rolesOf("p.Order"))).toEqual([
      "request p.Svc.Put p.Envelope>p.Order [p.Envelope.order]", // current side, through the unchanged svc.proto
      "response p.Svc.Get p.Order (baseline only)", // baseline only: old clients still get it
    ]);
    expect(brief(rolesOf("p.Receipt"))).toEqual(["response p.Svc.Get p.Receipt"]);
    expect(brief(rolesOf("p.Ack"))).toEqual(["response p.Svc.Put p.Ack"]);
    expect(decoded).toBe(1);
  });
});
