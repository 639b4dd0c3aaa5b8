import {
  ContractDefinitionError,
  type ContractDiagnostic,
  isContractDefinitionError,
  protocGenContractKit,
} from "@contractkit/protoc-gen";
import { compileToRequest, type ProtoSources } from "@contractkit/testing";
import { describe, expect, it } from "vitest";

/**
 * Every contract check: the plugin refuses the contract with a ContractDefinitionError
 * whose diagnostics carry the check's code and the user's file:line:col.
 */

async function diagnosticsOf(
  sources: ProtoSources,
  files?: string[],
): Promise<ContractDiagnostic[]> {
  const request = await compileToRequest(sources, files ? { filesToGenerate: files } : {});
  try {
    protocGenContractKit.run(request);
  } catch (err) {
    expect(isContractDefinitionError(err)).toBe(true);
    expect(err).toBeInstanceOf(ContractDefinitionError);
    return [...(err as ContractDefinitionError).diagnostics];
  }
  throw new Error("expected the plugin to refuse the contract");
}

const where = (d: ContractDiagnostic) => `${d.file}:${d.line}:${d.column}`;

const header = (pkg: string) =>
  `syntax = "proto3";\n\npackage ${pkg};\n\nimport "contractkit/v1/options.proto";\n\n`;

describe("subject tokens", () => {
  const proto = `${header("acme.v1")}message Placed {
  option (contractkit.v1.event) = {subject: "acme.{customer_id}.{email}.{flag}.{missing}.{items}.{payload}"};
  string customer_id = 1;
  string email = 2 [(contractkit.v1.field) = {sensitive: true}];
  bool flag = 3;
  repeated string items = 4;
  oneof kind {
    string payload = 5;
  }
  int64 count = 6;
  Status status = 7;
}

enum Status {
  STATUS_UNSPECIFIED = 0;
}
`;

  it("names the message, the token and the allowed fields, for every bad token at once", async () => {
    const ds = await diagnosticsOf({ "acme/v1/placed.proto": proto });
    expect(ds.map((d) => d.code)).toEqual([
      "SUBJECT_TOKEN_SENSITIVE",
      "SUBJECT_TOKEN_UNKNOWN_FIELD",
      "SUBJECT_TOKEN_UNKNOWN_FIELD",
      "SUBJECT_TOKEN_UNKNOWN_FIELD",
      "SUBJECT_TOKEN_UNKNOWN_FIELD",
    ]);
    for (const d of ds) expect(where(d)).toBe("acme/v1/placed.proto:8:10");
    const text = ds.map((d) => d.message).join("\n");
    expect(text).toContain(
      "event acme.v1.Placed: subject token {email} is a sensitive field of Placed",
    );
    expect(text).toContain(
      "subject token {flag} field flag is not a plain string, integer or enum field of Placed",
    );
    expect(text).toContain("subject token {missing} names no field of Placed");
    expect(text).toContain("subject token {items} field items is not a plain string");
    expect(text).toContain("subject token {payload} field payload is not a plain string");
    expect(ds[0]?.message).toContain("allowed fields: customer_id, count, status");
  });

  it("formats the error as file:line:col lines", async () => {
    const request = await compileToRequest({ "acme/v1/placed.proto": proto });
    expect(() => protocGenContractKit.run(request)).toThrow(
      /5 contract problems found:\nacme\/v1\/placed\.proto:8:10: event acme\.v1\.Placed: subject token \{email\}.* \[SUBJECT_TOKEN_SENSITIVE\]/,
    );
  });
});

describe("subject shape", () => {
  it("rejects a token that is not a whole part, an empty subject and invalid subjects", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/shape.proto": `${header("acme.v1")}message A {
  option (contractkit.v1.event) = {subject: "acme.id-{id}.a"};
  string id = 1;
}

message B {
  option (contractkit.v1.event) = {stream: "B"};
  string id = 1;
}

message C {
  option (contractkit.v1.event) = {subject: "acme..c"};
}

message D {
  option (contractkit.v1.event) = {subject: "acme.*.d"};
}

message E {
  option (contractkit.v1.event) = {subject: "acme.e", stream: "E.S"};
}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["SUBJECT_TOKEN_NOT_WHOLE_PART", "acme/v1/shape.proto:8:10"],
      ["SUBJECT_EMPTY", "acme/v1/shape.proto:13:10"],
      ["SUBJECT_INVALID", "acme/v1/shape.proto:18:10"],
      ["SUBJECT_INVALID", "acme/v1/shape.proto:22:10"],
      ["SUBJECT_INVALID", "acme/v1/shape.proto:26:10"],
    ]);
    expect(ds[0]?.message).toContain(
      'subject part "id-{id}" in "acme.id-{id}.a" is not a whole token',
    );
    expect(ds[1]?.message).toContain("event acme.v1.B: the subject is empty");
    expect(ds[4]?.message).toContain('stream "E.S" is not a valid JetStream stream name');
  });
});

describe("overlapping subjects", () => {
  it("finds templates that can match one subject, across files including imports", async () => {
    const ds = await diagnosticsOf(
      {
        "acme/v1/orders.proto": `${header("acme.v1")}message OrderPlaced {
  option (contractkit.v1.event) = {subject: "orders.{id}.placed", stream: "ORDERS"};
  string id = 1;
}
`,
        "acme/v2/vip.proto": `${header("acme.v2")}import "acme/v1/orders.proto";

message VipPlaced {
  option (contractkit.v1.event) = {subject: "orders.vip.placed"};
}

message Shipped {
  option (contractkit.v1.event) = {subject: "orders.{id}.shipped"};
  string id = 1;
}
`,
      },
      ["acme/v2/vip.proto"],
    );
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["SUBJECT_OVERLAP", "acme/v2/vip.proto:10:10"],
    ]);
    expect(ds[0]?.message).toBe(
      'event acme.v2.VipPlaced: subject "orders.vip.placed" can match the same subjects as "orders.{id}.placed" of event acme.v1.OrderPlaced (acme/v1/orders.proto:8:10); make a literal part differ, e.g. a distinct last part',
    );
  });
});

describe("streams and NATS RPC", () => {
  it("rejects a stream subject that captures a NATS RPC method subject", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/stock.proto": `${header("acme.v1")}service StockService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS, subject_prefix: "acme.stock"};
  rpc Reserve(Req) returns (Res);
}

message Req {}
message Res {}

message StockChanged {
  option (contractkit.v1.event) = {subject: "acme.stock.{sku}", stream: "STOCK"};
  string sku = 1;
}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["STREAM_RPC_OVERLAP", "acme/v1/stock.proto:9:3"],
    ]);
    expect(ds[0]?.message).toContain(
      'request subject "acme.stock.Reserve" of method Reserve is captured by stream STOCK (subject "acme.stock.*" of event acme.v1.StockChanged)',
    );
  });

  it("rejects streaming methods on a NATS-transport service, one diagnostic per method", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/feed.proto": `${header("acme.v1")}service FeedService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS};
  rpc Watch(Req) returns (stream Res);
  rpc Upload(stream Req) returns (Res);
  rpc Chat(stream Req) returns (stream Res);
  rpc Get(Req) returns (Res);
}

message Req {}
message Res {}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["NATS_STREAMING_METHOD", "acme/v1/feed.proto:9:3"],
      ["NATS_STREAMING_METHOD", "acme/v1/feed.proto:10:3"],
      ["NATS_STREAMING_METHOD", "acme/v1/feed.proto:11:3"],
    ]);
    expect(ds[0]?.message).toContain(
      "service acme.v1.FeedService: method Watch is server streaming",
    );
  });

  it("rejects an invalid subject prefix", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/bad.proto": `${header("acme.v1")}service BadService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS, subject_prefix: "acme.>"};
  rpc Get(Req) returns (Req);
}

message Req {}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["RPC_SUBJECT_INVALID", "acme/v1/bad.proto:8:10"],
    ]);
  });
});

describe("long-running methods", () => {
  it("rejects long_running on a gRPC-transport service, at the method's option", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/jobs.proto": `${header("acme.v1")}service JobService {
  rpc Run(Req) returns (Req) {
    option (contractkit.v1.method) = {long_running: true};
  }
  rpc Get(Req) returns (Req) {
    option (contractkit.v1.method) = {timeout_ms: 100};
  }
}

message Req {}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["LONG_RUNNING_NOT_NATS", "acme/v1/jobs.proto:9:12"],
    ]);
    expect(ds[0]?.message).toBe(
      "service acme.v1.JobService: method Run is long_running, but long-running requests travel over JetStream and only NATS-transport services have them; set transport: TRANSPORT_NATS on the service, or remove long_running and give the gRPC call a long timeout_ms",
    );
  });

  it("accepts long_running on a NATS-transport service", async () => {
    const request = await compileToRequest({
      "acme/v1/jobs.proto": `${header("acme.v1")}service JobService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS};
  rpc Run(Req) returns (Req) {
    option (contractkit.v1.method) = {long_running: true};
  }
}

message Req {}
`,
    });
    expect(protocGenContractKit.run(request).error ?? "").toBe("");
  });

  it("rejects events and RPC subjects inside the long-running subjects (ck.lr.>) once a method is long-running", async () => {
    const proto = (longRunning: boolean) => `${header("acme.v1")}service JobService {
  option (contractkit.v1.service) = {transport: TRANSPORT_NATS, subject_prefix: "ck.lr.jobs"};
  rpc Get(Req) returns (Req);
  rpc Run(Req) returns (Req) {
    option (contractkit.v1.method) = {long_running: ${longRunning}};
  }
}

message Req {}

message JobDone {
  option (contractkit.v1.event) = {subject: "ck.{id}.done", stream: "JOBS"};
  string id = 1;
}
`;
    const ds = await diagnosticsOf({ "acme/v1/jobs.proto": proto(true) });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["LONG_RUNNING_SUBJECT_OVERLAP", "acme/v1/jobs.proto:9:3"],
      ["LONG_RUNNING_SUBJECT_OVERLAP", "acme/v1/jobs.proto:18:10"],
    ]);
    expect(ds[0]?.message).toContain(
      'request subject "ck.lr.jobs.Get" of method Get lies inside "ck.lr.>", the subjects of long-running requests, which acme.v1.JobService.Run uses',
    );
    expect(ds[1]?.message).toContain(
      'event acme.v1.JobDone: subject "ck.{id}.done" lies inside "ck.lr.>"',
    );
    // Without a long-running method those subjects are free.
    const request = await compileToRequest({ "acme/v1/jobs.proto": proto(false) });
    expect(protocGenContractKit.run(request).error ?? "").toBe("");
  });
});

describe("publishes and consumes", () => {
  it("rejects names that are not events, accepting full and package-relative names", async () => {
    const ds = await diagnosticsOf({
      "acme/v1/topology.proto": `${header("acme.v1")}service Loyalty {
  option (contractkit.v1.service) = {
    publishes: ["Awarded", ".acme.v1.Awarded", "acme.v1.Awarded"]
    consumes: ["Request", "acme.v1.Nope"]
  };
}

message Awarded {
  option (contractkit.v1.event) = {subject: "acme.awarded"};
}

message Request {}
`,
    });
    expect(ds.map((d) => [d.code, where(d)])).toEqual([
      ["TOPOLOGY_NOT_AN_EVENT", "acme/v1/topology.proto:8:10"],
      ["TOPOLOGY_NOT_AN_EVENT", "acme/v1/topology.proto:8:10"],
    ]);
    expect(ds[0]?.message).toBe(
      "service acme.v1.Loyalty: consumes names message acme.v1.Request, which is not an event (it has no (contractkit.v1.event) option); name an event in full or relative to package acme.v1; known events: acme.v1.Awarded",
    );
    expect(ds[1]?.message).toContain('consumes names "acme.v1.Nope", which is not a known message');
  });
});
