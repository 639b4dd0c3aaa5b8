import { assertResourceName } from "../naming.js";

/**
 * Where the message hospital keeps its messages. Every name has a default; the subjects
 * live under `ck.` so they never overlap the contract's event subjects or RPC subjects
 * (`assertNoSubjectOverlap` checks a manifest's subjects against them).
 */
export interface DeadLetterSettingsInput {
  /** The dead-letter stream (default `CK_DEAD_LETTERS`). */
  stream?: string;
  /** Dead letters go to `<subjectPrefix>.<stream>.<consumer>` (default `ck.dlq`). */
  subjectPrefix?: string;
  /** Replays go to `<replaySubjectPrefix>.<stream>.<consumer>` in this stream (default `CK_REPLAY`). */
  replayStream?: string;
  replaySubjectPrefix?: string;
  /** Captures JetStream's max-deliveries advisories for the sweeper (default `CK_DLQ_ADVISORIES`). */
  advisoryStream?: string;
  /** Durable consumer of the sweeper on the advisory stream (default `ck-dlq-sweeper`). */
  sweeperDurable?: string;
  /** The hospital's audit log of replays and discards (default `CK_HOSPITAL_AUDIT`, subjects `ck.hospital.audit.>`). */
  auditStream?: string;
  auditSubjectPrefix?: string;
  /** Dead letters older than this are removed (default 30 days; 0 = never). */
  maxAgeMs?: number;
  /** Size limit of the dead-letter stream (default 256 MiB, reserved from the account; -1 unlimited). */
  maxBytes?: number;
  /** Count limit of the dead-letter stream (default 1 000 000; -1 unlimited). */
  maxMsgs?: number;
  /**
   * At a limit the dead-letter stream refuses new dead letters (default `new`): the
   * original then stays in its stream and is retried, never silently dropped.
   */
  discard?: "old" | "new";
  /** Must exceed ackWait plus the sweeper's delay: a move retried after a crash is de-duplicated within it (default 1 h). */
  duplicateWindowMs?: number;
  /** Replays, audit records and advisories are kept this long (default 7 d, 365 d, 7 d). */
  replayMaxAgeMs?: number;
  auditMaxAgeMs?: number;
  advisoryMaxAgeMs?: number;
  replicas?: number;
  storage?: "file" | "memory";
}

export type DeadLetterSettings = Required<DeadLetterSettingsInput>;

const DAY = 86_400_000;

export function resolveDeadLetterSettings(input: DeadLetterSettingsInput = {}): DeadLetterSettings {
  const s: DeadLetterSettings = {
    stream: input.stream ?? "CK_DEAD_LETTERS",
    subjectPrefix: input.subjectPrefix ?? "ck.dlq",
    replayStream: input.replayStream ?? "CK_REPLAY",
    replaySubjectPrefix: input.replaySubjectPrefix ?? "ck.replay",
    advisoryStream: input.advisoryStream ?? "CK_DLQ_ADVISORIES",
    sweeperDurable: input.sweeperDurable ?? "ck-dlq-sweeper",
    auditStream: input.auditStream ?? "CK_HOSPITAL_AUDIT",
    auditSubjectPrefix: input.auditSubjectPrefix ?? "ck.hospital.audit",
    maxAgeMs: input.maxAgeMs ?? 30 * DAY,
    maxBytes: input.maxBytes ?? 256 * 1024 ** 2,
    maxMsgs: input.maxMsgs ?? 1_000_000,
    discard: input.discard ?? "new",
    duplicateWindowMs: input.duplicateWindowMs ?? 3_600_000,
    replayMaxAgeMs: input.replayMaxAgeMs ?? 7 * DAY,
    auditMaxAgeMs: input.auditMaxAgeMs ?? 365 * DAY,
    advisoryMaxAgeMs: input.advisoryMaxAgeMs ?? 7 * DAY,
    replicas: input.replicas ?? 1,
    storage: input.storage ?? "file",
  };
  for (const name of [
    "stream",
    "replayStream",
    "advisoryStream",
    "auditStream",
    "sweeperDurable",
  ] as const) {
    assertResourceName(s[name], `dead letters: ${name}`);
  }
  for (const name of ["subjectPrefix", "replaySubjectPrefix", "auditSubjectPrefix"] as const) {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(s[name])) {
      throw new Error(
        `dead letters: ${name} "${s[name]}" must be dot-separated tokens without wildcards`,
      );
    }
  }
  return s;
}

/** The subject of a dead letter of `consumer` on `stream`. */
export function deadLetterSubject(s: DeadLetterSettings, stream: string, consumer: string): string {
  return `${s.subjectPrefix}.${stream}.${consumer}`;
}

/** The subject a replay to `consumer` of `stream` is published on. */
export function replaySubject(s: DeadLetterSettings, stream: string, consumer: string): string {
  return `${s.replaySubjectPrefix}.${stream}.${consumer}`;
}

/** The durable consumer on the replay stream that feeds `consumer` of `stream`. */
export function replayDurable(stream: string, consumer: string): string {
  return `${stream}_${consumer}`;
}

/** The subject JetStream publishes a max-deliveries advisory on. */
export const MAX_DELIVERIES_ADVISORY = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES";

/** Every subject pattern the hospital's streams capture. */
export function hospitalSubjects(s: DeadLetterSettings): string[] {
  return [`${s.subjectPrefix}.>`, `${s.replaySubjectPrefix}.>`, `${s.auditSubjectPrefix}.>`];
}

/** True when two subject patterns (with `*` and `>`) can match a common subject. */
export function subjectsOverlap(a: string, b: string): boolean {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i];
    const q = y[i];
    if (p === ">" || q === ">") return p !== undefined && q !== undefined;
    if (p === undefined || q === undefined) return false;
    if (p !== "*" && q !== "*" && p !== q) return false;
  }
  return true;
}

/**
 * Throws when a hospital subject overlaps one of `subjects` (event or RPC subjects, with
 * `{token}` or `*` for variable parts): a dead letter must never reach a consumer.
 */
export function assertNoSubjectOverlap(s: DeadLetterSettings, subjects: readonly string[]): void {
  for (const raw of subjects) {
    const subject = raw.replace(/\{[^}]+\}/g, "*");
    for (const own of hospitalSubjects(s)) {
      if (subjectsOverlap(own, subject)) {
        throw new Error(
          `dead letters: subject "${raw}" overlaps the hospital's "${own}": choose another subjectPrefix for the dead letters`,
        );
      }
    }
  }
}
