// Validation cost per message: ts-proto decode/encode vs the generated zod schema (with
// and without rules) vs CEL rules through protovalidate.
//
//   npm run build && node bench/validation/run.mjs [iterations]
//
// Generates a typical contract with ts-proto and protoc-gen-contractkit (with the
// buf.validate rules compiler) into node_modules/.cache, transpiles it to JavaScript,
// and times each operation on one decoded message (median of 7 runs).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { createValidator } from "@bufbuild/protovalidate";
import {
  buildImage,
  createCodeGeneratorRequest,
  materializeValidateProto,
  openProtoInput,
  runPluginProcess,
  TS_PROTO_PARAMETER,
} from "@contractkit/compat/internal";
import { validate } from "@contractkit/core";
import { createContractKitPlugin } from "@contractkit/protoc-gen";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
const { validationHooks } = await import(
  pathToFileURL(join(root, "packages/protoc-gen/dist/validation/index.js")).href
);
const ITERATIONS = Number(process.argv[2] ?? 20_000);

// A typical event: ids, an email, a few lines, money, an enum, a timestamp, labels.
// `OrderPlaced` has standard rules only; `OrderPlacedCel` adds a message-level CEL rule.
const fields = `
  string order_id = 1 [(buf.validate.field).string.uuid = true];
  string customer_id = 2 [(buf.validate.field).string = { min_len: 1, max_len: 64 }];
  string email = 3 [(buf.validate.field).string.email = true];
  repeated Line lines = 4 [(buf.validate.field).repeated = { min_items: 1, max_items: 100 }];
  int64 total_cents = 5 [(buf.validate.field).int64.gte = 0];
  Status status = 6 [(buf.validate.field).enum.defined_only = true];
  google.protobuf.Timestamp placed_at = 7 [(buf.validate.field).required = true];
  map<string, string> labels = 8 [(buf.validate.field).map.max_pairs = 16];
  bool express = 9;`;
const PROTO = `syntax = "proto3";
package bench.v1;
import "buf/validate/validate.proto";
import "google/protobuf/timestamp.proto";
enum Status { STATUS_UNSPECIFIED = 0; STATUS_PLACED = 1; STATUS_PAID = 2; }
message Line {
  string sku = 1 [(buf.validate.field).string.pattern = "^[A-Z]{3}-\\\\d{3,6}$"];
  int32 quantity = 2 [(buf.validate.field).int32 = { gt: 0, lte: 1000 }];
  int64 unit_price_cents = 3 [(buf.validate.field).int64.gte = 0];
}
message OrderPlaced {${fields}
}
message OrderPlacedCel {
  option (buf.validate.message).cel = { id: "express.lines", message: "an express order has at most 3 lines", expression: "!this.express || size(this.lines) <= 3" };${fields}
}
`;

const work = join(root, "node_modules/.cache/contractkit/bench-validation");
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, "proto/bench/v1"), { recursive: true });
writeFileSync(join(work, "proto/bench/v1/bench.proto"), PROTO);
const include = materializeValidateProto();
const input = openProtoInput(join(work, "proto"), { includes: [include] });
const { fds } = await buildImage(input, { excludeSourceInfo: true }).finally(() => input.dispose());
const request = createCodeGeneratorRequest(fds.file, ["bench/v1/bench.proto"]);
const tsProto = await runPluginProcess(
  process.execPath,
  [require.resolve("ts-proto/protoc-gen-ts_proto")],
  createCodeGeneratorRequest(fds.file, ["bench/v1/bench.proto"], TS_PROTO_PARAMETER),
);
const out = (dirName, response) => {
  for (const file of response.file) {
    const js = ts.transpileModule(file.content, {
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: false,
      },
    }).outputText;
    const path = join(work, dirName, file.name.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, js);
  }
};
out("rules", tsProto);
out("rules", createContractKitPlugin(validationHooks).run(request));
out("plain", tsProto);
out("plain", createContractKitPlugin().run(request));
writeFileSync(join(work, "package.json"), '{ "type": "module" }\n');

const load = async (d) => ({
  pb: await import(pathToFileURL(join(work, d, "bench/v1/bench.js")).href),
  ck: await import(pathToFileURL(join(work, d, "bench/v1/bench.contract.js")).href),
});
const rules = await load("rules");
const plain = await load("plain");

const value = {
  orderId: "0192d6c2-7c1e-7a3b-9f0e-3a4b5c6d7e8f",
  customerId: "cust-42",
  email: "ada@example.com",
  lines: [
    { sku: "ABC-123", quantity: 2, unitPriceCents: "1299" },
    { sku: "XYZ-98765", quantity: 1, unitPriceCents: "4999" },
    { sku: "QRS-555", quantity: 3, unitPriceCents: "250" },
  ],
  totalCents: "8347",
  status: 1,
  placedAt: new Date("2026-12-01T12:00:00Z"),
  labels: { channel: "web", region: "eu" },
  express: true,
};
const bytes = rules.pb.OrderPlaced.encode(rules.pb.OrderPlaced.fromPartial(value)).finish();
const decoded = rules.pb.OrderPlaced.decode(bytes);
const decodedCel = rules.pb.OrderPlacedCel.decode(bytes);
const registry = (await import("@bufbuild/protobuf")).createFileRegistry(fds);
const schema = registry.getMessage("bench.v1.OrderPlaced");
const validator = createValidator({ registry });

for (const [name, type, v] of [
  ["OrderPlaced", rules.ck.OrderPlacedType, decoded],
  ["OrderPlacedCel", rules.ck.OrderPlacedCelType, decodedCel],
]) {
  const violations = validate(type, v);
  if (violations.length > 0)
    throw new Error(`${name} should be valid: ${JSON.stringify(violations)}`);
}
if (!rules.ck.OrderPlacedCelType.extraRules || rules.ck.OrderPlacedType.extraRules) {
  throw new Error("extraRules must exist exactly for the message with CEL rules");
}

// Runs are interleaved across operations so machine noise hits them alike; the median
// of the runs is reported, with the fastest run beside it.
function measure(rows) {
  for (const [, fn] of rows) for (let i = 0; i < Math.min(ITERATIONS, 5000); i++) fn();
  const runs = rows.map(() => []);
  for (let r = 0; r < 9; r++) {
    rows.forEach(([, fn], k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < ITERATIONS; i++) fn();
      runs[k].push(Number(process.hrtime.bigint() - start) / ITERATIONS / 1000);
    });
  }
  return runs.map((r) => {
    const sorted = r.sort((a, b) => a - b);
    return { median: sorted[4], min: sorted[0] };
  });
}

const rows = [
  [`ts-proto decode (${bytes.length} bytes)`, () => rules.pb.OrderPlaced.decode(bytes)],
  ["ts-proto encode", () => rules.pb.OrderPlaced.encode(decoded).finish()],
  ["zod schema, no rules (shape only)", () => validate(plain.ck.OrderPlacedType, decoded)],
  ["validate, standard rules (no CEL)", () => validate(rules.ck.OrderPlacedType, decoded)],
  [
    "  same, zod path (safeParse: what an invalid message costs)",
    () => rules.ck.OrderPlacedType.schema.safeParse(decoded),
  ],
  ["validate, standard rules + CEL", () => validate(rules.ck.OrderPlacedCelType, decodedCel)],
  [
    "  of which extraRules (encode+fromBinary+protovalidate)",
    () => rules.ck.OrderPlacedCelType.extraRules(decodedCel),
  ],
  [
    "protovalidate alone on protobuf-es (fromBinary+validate)",
    () => validator.validate(schema, fromBinary(schema, bytes)),
  ],
];
console.log(`node ${process.version}, ${ITERATIONS} iterations per run, 9 interleaved runs`);
const results = measure(rows);
rows.forEach(([name], k) => {
  const { median, min } = results[k];
  console.log(`${name.padEnd(60)} ${median.toFixed(2).padStart(7)} µs/msg (min ${min.toFixed(2)})`);
});
const decode = results[0].median;
const std = results[3].median;
const cel = results[5].median;
console.log(
  `validation (no CEL) / decode: ${(std / decode).toFixed(2)}x; with CEL / without: ${(cel / std).toFixed(1)}x`,
);
