import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { Code, isContractError } from "@contractkit/core";
import {
  createHospital,
  type DeadLetter,
  type Hospital,
  resolveDeadLetterSettings,
} from "@contractkit/nats";
import { CliError } from "../../cli-error.js";
import type { Command } from "../../main.js";
import { connectForCli, loadNatsConfig, natsConnectionOptions } from "../../nats-connection.js";
import { decoderFor } from "./decoder.js";
import { init } from "./provision.js";

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
    const bus = await connectForCli(v, loadNatsConfig(), "contractkit-hospital");
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

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...natsConnectionOptions,
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
