import type { JetStreamManager } from "@nats-io/jetstream";
import type { DesiredState } from "./desired-state.js";
import { isNotFound } from "./nats-errors.js";
import { type ChangeKind, diffConsumer, diffStream, type PlannedChange } from "./stream-diff.js";

/**
 * Plans and applies provisioning: reads the streams and consumers the server has,
 * compares them with what the contract wants (`stream-diff.ts`), and applies creates and
 * additive updates, refusing the whole plan when any change conflicts.
 */
export interface ProvisioningPlan {
  readonly changes: readonly PlannedChange[];
  readonly conflicts: readonly PlannedChange[];
  /** True when applying would change something. */
  readonly pending: boolean;
}

/** Reads the server's state and computes the plan. Needs read access to `$JS.API.>`. */
export async function planProvisioning(
  jsm: JetStreamManager,
  desired: DesiredState,
): Promise<ProvisioningPlan> {
  const changes: PlannedChange[] = [];
  for (const stream of desired.streams) {
    const actual = await jsm.streams.info(stream.name).then(
      (i) => i.config,
      (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      },
    );
    changes.push(diffStream(stream, actual));
  }
  for (const consumer of desired.consumers) {
    const actual = await jsm.consumers.info(consumer.stream, consumer.durable).then(
      (i) => i.config,
      (err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      },
    );
    changes.push(diffConsumer(consumer, actual));
  }
  const conflicts = changes.filter((c) => c.kind === "conflict");
  return {
    changes,
    conflicts,
    pending: changes.some((c) => c.kind === "create" || c.kind === "update"),
  };
}

/** Thrown by `applyPlan` when the plan has conflicts; nothing has been changed. */
export class ProvisioningConflictError extends Error {
  override name = "ProvisioningConflictError";
  constructor(readonly conflicts: readonly PlannedChange[]) {
    super(
      `refusing to provision: ${conflicts.length} conflicting change(s), nothing was changed:\n${conflicts
        .map((c) => `  ${c.resource} ${c.name}: ${c.details.join("; ")}`)
        .join("\n")}`,
    );
  }
}

/** Applies every create and update, streams first. Refuses the whole plan on any conflict. */
export async function applyPlan(
  jsm: JetStreamManager,
  plan: ProvisioningPlan,
): Promise<PlannedChange[]> {
  if (plan.conflicts.length > 0) throw new ProvisioningConflictError(plan.conflicts);
  const done: PlannedChange[] = [];
  const ordered = [...plan.changes].sort((a, b) =>
    a.resource === b.resource ? 0 : a.resource === "stream" ? -1 : 1,
  );
  for (const c of ordered) {
    try {
      if (c.resource === "stream" && c.streamConfig) {
        if (c.kind === "create") await jsm.streams.add(c.streamConfig);
        else if (c.kind === "update") await jsm.streams.update(c.streamConfig.name, c.streamConfig);
      } else if (c.resource === "consumer" && c.consumerConfig) {
        if (c.kind === "create") await jsm.consumers.add(c.stream, c.consumerConfig);
        else if (c.kind === "update")
          await jsm.consumers.update(c.stream, c.consumerConfig.durable_name, c.consumerConfig);
      }
    } catch (err) {
      throw new Error(`${c.kind} ${c.resource} ${c.name} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (c.kind === "create" || c.kind === "update") done.push(c);
  }
  return done;
}

const SIGN: Record<ChangeKind, string> = {
  create: "+",
  update: "~",
  unchanged: "=",
  conflict: "!",
};

/** Human-readable plan, one block per resource. */
export function formatPlan(plan: ProvisioningPlan): string {
  if (plan.changes.length === 0) return "The contract declares no streams.";
  const lines: string[] = [];
  for (const c of plan.changes) {
    lines.push(
      `${SIGN[c.kind]} ${c.resource} ${c.name}${c.kind === "unchanged" ? " (up to date)" : ` (${c.kind})`}`,
    );
    for (const d of c.details) lines.push(`    ${d}`);
  }
  const count = (k: ChangeKind) => plan.changes.filter((c) => c.kind === k).length;
  lines.push(
    "",
    `${count("create")} to create, ${count("update")} to update, ${count("unchanged")} unchanged, ${count("conflict")} conflict(s)`,
  );
  return lines.join("\n");
}
