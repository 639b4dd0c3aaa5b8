import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  applyPlan,
  desiredFromManifest,
  formatPlan,
  type NatsConfig,
  type ProvisioningPlan,
  planProvisioning,
} from "@contractkit/nats";
import { CliError } from "../cli-error.js";
import type { Command } from "../main.js";
import { readManifestFile } from "../manifest-file.js";
import {
  connectForCli,
  loadNatsConfig,
  natsConnectionOptions,
  serversOf,
} from "../nats-connection.js";

const HELP = `usage: contractkit nats plan|apply [options]

Compares the JetStream streams and durable consumers the contract declares (the
manifest written by \`contractkit generate\`) with what the server has.
  plan    prints the difference; changes nothing
  apply   creates missing streams and consumers and applies additive changes (a new
          event subject, a larger limit, replicas); refuses everything if any change
          conflicts (storage type, retention policy, a shrinking limit, a consumer's
          filter), and says why

  --manifest FILE   the manifest (default gen/contractkit.manifest.json)
  --server URL      a NATS server; repeat for a cluster (default: nats.servers in
                    contractkit.yaml, else $NATS_URL, else nats://127.0.0.1:4222)
  --replicas N      replicas of every stream (default: nats.streams.replicas, else 1)
  --user U --password P | --token T | --nkey SEEDFILE | --creds FILE
                    credentials (default: nats.auth in contractkit.yaml)
  --tls-ca FILE     CA of the server certificate (default: nats.tls.caFile)
  --json            print the plan as JSON

Stream settings (storage, replicas, duplicate window, limits) and consumer settings
(ack wait, max deliver, max ack pending) come from the nats section of contractkit.yaml.

Exit codes: 0 nothing conflicts (plan) / applied (apply); 1 a change conflicts, nothing
was changed; 2 bad input (no manifest, bad config, cannot connect or not allowed).`;

export const command: Command = {
  summary: "plan or apply the JetStream streams and consumers the contract declares",
  async run(argv) {
    const [action, ...rest] = argv;
    if (!action || action === "--help" || action === "-h") {
      console.log(HELP);
      return action ? 0 : 2;
    }
    if (action !== "plan" && action !== "apply") {
      throw new CliError(
        "CK_NATS_USAGE",
        `unknown action "${action}": use \`contractkit nats plan\` or \`contractkit nats apply\``,
      );
    }
    const { values } = parseOptions(rest);
    if (values.help) {
      console.log(HELP);
      return 0;
    }
    const config = natsConfig(values.replicas);
    const manifestPath = resolve(values.manifest ?? "gen/contractkit.manifest.json");
    const manifest = readManifestFile(manifestPath);
    let desired: ReturnType<typeof desiredFromManifest>;
    try {
      desired = desiredFromManifest(manifest, config);
    } catch (err) {
      throw new CliError("CK_MANIFEST_INVALID", `${manifestPath}: ${(err as Error).message}`);
    }
    const servers = serversOf(values, config);
    const bus = await connectForCli(values, config, "contractkit-cli");
    try {
      const jsm = await bus
        .manager()
        .then(async (m) => {
          await m.getAccountInfo();
          return m;
        })
        .catch((err: unknown) => {
          throw new CliError(
            "CK_NATS_NO_JETSTREAM",
            `JetStream is not available on ${String(servers)}: ${(err as Error).message}; enable it on the server (jetstream {} in its config)`,
            2,
            { cause: err },
          );
        });
      const plan = await planProvisioning(jsm, desired).catch((err: unknown) => {
        throw new CliError(
          "CK_NATS_PLAN_FAILED",
          `cannot read the server's streams: ${(err as Error).message}`,
          2,
          {
            cause: err,
          },
        );
      });
      print(plan, values.json === true, action);
      if (plan.conflicts.length > 0) {
        console.error(
          `contractkit nats ${action}: ${plan.conflicts.length} conflicting change(s)${action === "apply" ? "; nothing was changed" : ""} [CK_NATS_CONFLICT]`,
        );
        return 1;
      }
      if (action === "apply") {
        const done = await applyPlan(jsm, plan).catch((err: unknown) => {
          throw new CliError(
            "CK_NATS_APPLY_FAILED",
            `${(err as Error).message}; fix it and run apply again`,
            2,
            {
              cause: err,
            },
          );
        });
        if (!values.json)
          console.log(
            done.length === 0 ? "Nothing to apply." : `Applied ${done.length} change(s).`,
          );
      }
      return 0;
    } finally {
      await bus.close();
    }
  },
};

function parseOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        manifest: { type: "string" },
        replicas: { type: "string" },
        ...natsConnectionOptions,
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: false,
    });
  } catch (err) {
    throw new CliError(
      "CK_NATS_USAGE",
      `${(err as Error).message}; see \`contractkit nats --help\``,
    );
  }
}

function natsConfig(replicas: string | undefined): NatsConfig {
  let config = loadNatsConfig();
  if (replicas !== undefined) {
    const n = Number(replicas);
    if (!Number.isInteger(n) || n < 1 || n > 5) {
      throw new CliError("CK_NATS_USAGE", `--replicas ${replicas}: use a whole number from 1 to 5`);
    }
    config = { ...config, streams: { ...config.streams, replicas: n } };
  }
  return config;
}

function print(plan: ProvisioningPlan, json: boolean, action: string): void {
  if (json) {
    const changes = plan.changes.map(({ resource, name, kind, details }) => ({
      resource,
      name,
      kind,
      details,
    }));
    console.log(
      JSON.stringify(
        { action, pending: plan.pending, conflicts: plan.conflicts.length, changes },
        null,
        2,
      ),
    );
    return;
  }
  console.log(formatPlan(plan));
}
