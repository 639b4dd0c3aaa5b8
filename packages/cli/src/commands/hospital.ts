import { existsSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  createFileRegistry,
  type DescExtension,
  type DescMessage,
  fromBinary,
  getOption,
  hasOption,
  toJson,
} from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { buildImage, materializeValidateProto, openProtoInput } from "@contractkit/compat/internal";
import { Code, isContractError, type Manifest } from "@contractkit/core";
import {
  assertNoSubjectOverlap,
  type Bus,
  connectBus,
  createHospital,
  type DeadLetter,
  type DeadLetterSettings,
  durableName,
  ensureDeadLetterStreams,
  ensureReplayConsumer,
  type Hospital,
  type MessageDecoder,
  type NatsConfig,
  parseNatsConfig,
  redact,
  resolveDeadLetterSettings,
} from "@contractkit/nats";
import { CliError } from "../cli-error.js";
import { CONFIG_FILE, loadConfig } from "../config.js";
import type { Command } from "../main.js";

const HELP = `usage: contractkit hospital <action> [options]

The message hospital: the dead letters of every JetStream consumer.
  init                 create the dead-letter, replay, advisory and audit streams
  list                 list dead letters: --type T --consumer C --stream S --error E
                       (E: a code such as FAILED_PRECONDITION, a kind such as decode or
                       max-deliveries, or text of the message) --limit N
  show SEQ             one dead letter, decoded with the contract, sensitive fields
                       redacted (--descriptor-set FILE, else the protos in --proto DIR,
                       else generate.module, else . with buf.yaml, else proto)
  replay SEQ...        deliver again to the consumer that failed, and to no other
  discard SEQ...       remove, recorded in the audit log (--reason required)
  audit                who replayed or discarded what, when and why (--action A)

  --server URL         a NATS server (default: nats.servers, $NATS_URL, nats://127.0.0.1:4222)
  --user U --password P | --token T | --creds FILE   credentials (default: nats.auth)
  --by WHO             who acts (default: $CONTRACTKIT_USER, else the login name)
  --reason TEXT        why (required by discard)
  --dlq-stream NAME    the dead-letter stream (default CK_DEAD_LETTERS)
  --manifest FILE      init: checks that no event or RPC subject overlaps the
                       hospital's, and creates a replay consumer for every consumer
                       it declares (default gen/contractkit.manifest.json if present)
  --json               machine-readable output

Exit codes: 0 done; 2 bad input (unknown action or dead letter, no reason, cannot
connect, streams missing: run \`contractkit hospital init\`).`;

const DEFAULT_MANIFEST = "gen/contractkit.manifest.json";
type JetStreamManager = Awaited<ReturnType<Bus["manager"]>>;
const ACTIONS = new Set(["init", "list", "show", "replay", "discard", "audit"]);

export const command: Command = {
  summary: "list, show, replay and discard dead letters",
  async run(argv) {
    const [action, ...rest] = argv;
    if (!action || action === "--help" || action === "-h") {
      console.log(HELP);
      return action ? 0 : 2;
    }
    if (!ACTIONS.has(action)) {
      throw usage(`unknown action "${action}": use one of ${[...ACTIONS].join(", ")}`);
    }
    const { values: v, positionals } = parseOptions(rest);
    if (v.help) {
      console.log(HELP);
      return 0;
    }
    const settings = resolveDeadLetterSettings(v["dlq-stream"] ? { stream: v["dlq-stream"] } : {});
    const seqs = positionals.map((p) => {
      const n = Number(p);
      if (!Number.isInteger(n) || n <= 0)
        throw usage(`"${p}" is not a dead-letter sequence number`);
      return n;
    });
    if (["show", "replay", "discard"].includes(action) && seqs.length === 0) {
      throw usage(
        `${action} needs the sequence number of a dead letter (see \`contractkit hospital list\`)`,
      );
    }
    if (action === "show" && seqs.length > 1) throw usage("show takes one sequence number");
    if (action === "discard" && !v.reason?.trim()) {
      throw usage("discard needs --reason TEXT: it is kept in the audit log");
    }
    const bus = await connect(v);
    try {
      const jsm = await bus.manager();
      if (action === "init") return await init(jsm, settings, v.manifest);
      await jsm.streams.info(settings.stream).catch((err: unknown) => {
        throw new CliError(
          "CK_HOSPITAL_NOT_PROVISIONED",
          `stream ${settings.stream} is not available (${(err as Error).message}): run \`contractkit hospital init\``,
          2,
          { cause: err },
        );
      });
      const hospital = await createHospital(bus, {
        ...settings,
        ...(action === "show" ? { decoder: await decoderFor(v) } : {}),
      });
      return await act(action, hospital, seqs, v);
    } catch (err) {
      if (isContractError(err) && err.code === Code.NOT_FOUND)
        throw new CliError(
          "CK_HOSPITAL_NOT_FOUND",
          `${err.rawMessage}; see \`contractkit hospital list\``,
          2,
          { cause: err },
        );
      throw err;
    } finally {
      await bus.close();
    }
  },
};

type Values = ReturnType<typeof parseOptions>["values"];

async function act(action: string, hospital: Hospital, seqs: number[], v: Values): Promise<number> {
  const by = v.by ?? process.env.CONTRACTKIT_USER ?? userInfo().username;
  if (action === "list") {
    const limit = v.limit === undefined ? undefined : Number(v.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
      throw usage(`--limit ${v.limit}: use a positive whole number`);
    const list = await hospital.list({
      ...(v.type ? { type: v.type } : {}),
      ...(v.consumer ? { consumer: v.consumer } : {}),
      ...(v.stream ? { stream: v.stream } : {}),
      ...(v.error ? { error: v.error } : {}),
      ...(limit ? { limit } : {}),
    });
    if (v.json) console.log(JSON.stringify(list.map(summary), null, 2));
    else if (list.length === 0) console.log("No dead letters.");
    else
      for (const d of list)
        console.log(
          `${d.seq}\t${d.failedAt.toISOString()}\t${d.type || "(no ce-type)"}\t${d.stream}/${d.consumer}\t${d.kind} ${d.codeName}: ${d.error}`,
        );
    return 0;
  }
  if (action === "show") {
    const shown = await hospital.show(seqs[0] as number);
    const d = shown.deadLetter;
    if (v.json) {
      console.log(
        JSON.stringify(
          {
            ...summary(d),
            headers: d.headers,
            decoded: shown.decoded ?? null,
            decodeError: shown.decodeError ?? null,
          },
          null,
          2,
        ),
      );
      return 0;
    }
    console.log(
      [
        `dead letter ${d.seq} (stored ${d.storedAt.toISOString()})`,
        `  event     ${d.type || "(no ce-type)"}  ce-id ${d.id || "-"}`,
        `  from      ${d.stream} #${d.streamSequence} on ${d.subject}`,
        `  consumer  ${d.consumer} (${d.deliveryCount} deliveries)`,
        `  failed    ${d.failedAt.toISOString()}  ${d.kind} ${d.codeName}: ${d.error}`,
        ...Object.entries(d.headers).map(([k, val]) => `  header    ${k}: ${val}`),
        shown.decoded
          ? `  message   (redacted: ${shown.decoded.redacted.join(", ") || "none"})\n${JSON.stringify(shown.decoded.value, null, 2)}`
          : `  message   ${d.data.length} bytes, not decoded: ${shown.decodeError}`,
      ].join("\n"),
    );
    return 0;
  }
  if (action === "replay") {
    for (const seq of seqs) {
      const { replaySeq } = await hospital.replay(seq, { by, reason: v.reason ?? "" });
      console.log(`Replayed dead letter ${seq} to its consumer (replay #${replaySeq}).`);
    }
    return 0;
  }
  if (action === "discard") {
    for (const seq of seqs) {
      await hospital.discard(seq, { by, reason: v.reason as string });
      console.log(`Discarded dead letter ${seq}; kept in the audit log.`);
    }
    return 0;
  }
  const actionFilter = v.action === "replay" || v.action === "discard" ? v.action : undefined;
  if (v.action !== undefined && !actionFilter)
    throw usage(`--action ${v.action}: use replay or discard`);
  const records = await hospital.audit(actionFilter);
  if (v.json)
    console.log(
      JSON.stringify(
        records.map(({ data: _data, headers: _h, ...r }) => r),
        null,
        2,
      ),
    );
  else if (records.length === 0) console.log("The audit log is empty.");
  else
    for (const r of records)
      console.log(
        `${r.at}\t${r.action}\t${r.by}\tdead letter ${r.seq} (${r.type}, ${r.stream}/${r.consumer})\t${r.reason}`,
      );
  return 0;
}

function summary(d: DeadLetter) {
  const { data, headers: _headers, storedAt, failedAt, ...rest } = d;
  return {
    ...rest,
    storedAt: storedAt.toISOString(),
    failedAt: failedAt.toISOString(),
    bytes: data.length,
  };
}

/** A decoder over the contract's descriptors; sensitive fields come from `(contractkit.v1.field).sensitive`. */
async function decoderFor(v: Values): Promise<MessageDecoder> {
  let bytes: Uint8Array;
  if (v["descriptor-set"]) {
    if (!existsSync(v["descriptor-set"])) throw usage(`${v["descriptor-set"]} not found`);
    bytes = readFileSync(v["descriptor-set"]);
  } else {
    const cwd = process.cwd();
    const moduleDir =
      v.proto ??
      loadConfig(cwd).generate?.module ??
      (existsSync(join(cwd, "buf.yaml")) ? "." : "proto");
    try {
      const input = openProtoInput(moduleDir, { cwd, includes: [materializeValidateProto()] });
      try {
        bytes = (await buildImage(input, { excludeSourceInfo: true })).bytes;
      } finally {
        input.dispose();
      }
    } catch (err) {
      throw new CliError(
        "CK_HOSPITAL_CONTRACT",
        `cannot build the contract from ${resolve(moduleDir)}: ${(err as Error).message}; pass --proto DIR or --descriptor-set FILE`,
        2,
        { cause: err },
      );
    }
  }
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  const fieldOption = registry.getExtension("contractkit.v1.field");
  return (typeName, data) => {
    const desc = registry.getMessage(typeName);
    if (!desc) return undefined;
    const json = toJson(desc, fromBinary(desc, data), { registry, alwaysEmitImplicit: true });
    const { value, redacted } = redact(json, sensitiveJsonPaths(desc, fieldOption));
    return { typeName, value, redacted };
  };
}

function sensitiveJsonPaths(message: DescMessage, ext: DescExtension | undefined): string[] {
  const out: string[] = [];
  const walk = (m: DescMessage, prefix: string, seen: ReadonlySet<string>) => {
    for (const field of m.fields) {
      const key = prefix + field.jsonName;
      if (
        ext &&
        hasOption(field as never, ext as never) &&
        (getOption(field as never, ext as never) as { sensitive?: boolean }).sensitive
      ) {
        out.push(key);
        continue;
      }
      const nested =
        field.fieldKind === "message" ||
        (field.fieldKind === "list" && field.listKind === "message") ||
        (field.fieldKind === "map" && field.mapKind === "message")
          ? field.message
          : undefined;
      if (!nested || seen.has(nested.typeName)) continue;
      walk(
        nested,
        field.fieldKind === "message" ? `${key}.` : `${key}[*].`,
        new Set([...seen, nested.typeName]),
      );
    }
  };
  walk(message, "", new Set([message.typeName]));
  return out;
}

/**
 * Creates the hospital's streams, and a replay consumer for every consumer the manifest
 * declares (services without the right to create consumers still receive replays).
 */
async function init(
  jsm: JetStreamManager,
  settings: DeadLetterSettings,
  path?: string,
): Promise<number> {
  const file = path ?? (existsSync(DEFAULT_MANIFEST) ? DEFAULT_MANIFEST : undefined);
  const manifest = file ? readManifest(file, settings) : undefined;
  const failed = (err: unknown): never => {
    throw new CliError(
      "CK_HOSPITAL_INIT_FAILED",
      `${(err as Error).message}; check the account's JetStream limits`,
      2,
      {
        cause: err,
      },
    );
  };
  await ensureDeadLetterStreams(jsm, settings).catch(failed);
  console.log(
    `Streams ready: ${settings.stream}, ${settings.replayStream}, ${settings.advisoryStream}, ${settings.auditStream}.`,
  );
  const consumers = (manifest?.events ?? []).flatMap((e) =>
    e.stream
      ? e.consumers.map((svc) => ({
          stream: e.stream as string,
          durable: durableName(svc, e.name),
        }))
      : [],
  );
  const { ackWait, maxDeliver } = natsConfig().consumers;
  let created = 0;
  for (const c of consumers) {
    const made = await ensureReplayConsumer(jsm, settings, c.stream, c.durable, {
      ackWaitMs: ackWait,
      maxDeliver,
    }).catch(failed);
    if (made) created++;
  }
  if (consumers.length > 0)
    console.log(
      `Replay consumers: ${created} created, ${consumers.length - created} already there.`,
    );
  return 0;
}

/** Reads the manifest and refuses one whose event or RPC subjects overlap the hospital's. */
function readManifest(path: string, settings: DeadLetterSettings): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch (err) {
    throw new CliError(
      "CK_MANIFEST_INVALID",
      `${path}: ${(err as Error).message}; run \`contractkit generate\` again`,
      2,
      {
        cause: err,
      },
    );
  }
  const subjects = [
    ...(manifest.streams ?? []).flatMap((s) => s.subjects),
    ...(manifest.services ?? []).flatMap((s) =>
      s.methods.map((m) => m.subject ?? "").filter(Boolean),
    ),
  ];
  try {
    assertNoSubjectOverlap(settings, subjects);
  } catch (err) {
    throw new CliError("CK_HOSPITAL_OVERLAP", (err as Error).message, 2, { cause: err });
  }
  return manifest;
}

function natsConfig(): NatsConfig {
  try {
    return parseNatsConfig(loadConfig().nats ?? {}, CONFIG_FILE);
  } catch (err) {
    throw new CliError("CK_CONFIG_INVALID", (err as Error).message, 2, { cause: err });
  }
}

async function connect(v: Values): Promise<Bus> {
  const config = natsConfig();
  const servers = v.server?.length
    ? v.server
    : (config.servers ?? process.env.NATS_URL ?? "nats://127.0.0.1:4222");
  const auth =
    v.user !== undefined
      ? { user: v.user, password: v.password ?? "" }
      : v.token !== undefined
        ? { token: v.token }
        : v.creds !== undefined
          ? { credsFile: v.creds }
          : config.auth;
  return connectBus({
    servers,
    name: "contractkit-hospital",
    maxReconnectAttempts: 0,
    telemetry: false,
    ...(auth ? { auth } : {}),
    ...(config.tls?.caFile ? { tls: { caFile: config.tls.caFile } } : {}),
  }).catch((err: unknown) => {
    throw new CliError(
      "CK_NATS_CONNECT",
      `${(err as Error).message}; pass --server or set nats.servers in ${CONFIG_FILE}`,
      2,
      { cause: err },
    );
  });
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        server: { type: "string", multiple: true },
        user: { type: "string" },
        password: { type: "string" },
        token: { type: "string" },
        creds: { type: "string" },
        type: { type: "string" },
        consumer: { type: "string" },
        stream: { type: "string" },
        error: { type: "string" },
        limit: { type: "string" },
        by: { type: "string" },
        reason: { type: "string" },
        action: { type: "string" },
        proto: { type: "string" },
        "descriptor-set": { type: "string" },
        "dlq-stream": { type: "string" },
        manifest: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw usage(`${(err as Error).message}; see \`contractkit hospital --help\``);
  }
}

function usage(message: string): CliError {
  return new CliError("CK_HOSPITAL_USAGE", message);
}
