import { runBufBreaking } from "./buf-breaking.js";
import { indexContract } from "./contract-index.js";
import {
  type BaselineKind,
  baselineKind,
  type LoadedContract,
  loadDirectory,
  loadGitRef,
  loadImageFile,
  type SourceOptions,
} from "./contract-source.js";
import { enrichBufFindings } from "./enrich.js";
import { applyExceptions, type ExceptionSource } from "./exceptions.js";
import { compareFindings, type Finding, isBlocking } from "./finding.js";
import { type PolicyName, policyFor } from "./policy.js";
import { changedFiles, comparisonSet, subsetImage } from "./raw-image.js";
import { checkBindings } from "./rules/binding-rules.js";
import { checkDeletions } from "./rules/deletion-rules.js";
import { createOptionReader } from "./rules/option-reader.js";
import { checkRpcSurface } from "./rules/rpc-surface-rules.js";
import type { RuleContext } from "./rules/rule-context.js";
import { checkValidation } from "./rules/validation-rules.js";
import { isProtoInputError, ProtoInputError } from "./toolchain/proto-error.js";

export interface GateOptions {
  /** The current contract: a proto folder or buf workspace. */
  input: string;
  /** The baseline: a git ref, a directory or an image file. */
  against: string;
  cwd?: string;
  includes?: string[];
  policy?: PolicyName;
  exceptions?: ExceptionSource;
  /** `YYYY-MM-DD` (UTC) for exception expiry; default today. */
  today?: string;
}

export interface GateResult {
  policy: PolicyName;
  input: string;
  against: string;
  /** Sorted by file, line, column. Accepted ones carry `accepted`. */
  findings: Finding[];
  /** True when any finding is not accepted. */
  breaking: boolean;
  stats: { files: number; changedFiles: number; comparedFiles: number };
}

/**
 * The contract gate. Both sides are compiled concurrently; the images are compared by
 * bytes, so only files that changed (and what they import) are decoded and handed to
 * `buf breaking`, which runs while ContractKit's own rules inspect the same files.
 */
export async function runGate(options: GateOptions): Promise<GateResult> {
  const src: SourceOptions = {
    cwd: options.cwd ?? process.cwd(),
    ...(options.includes ? { includes: options.includes } : {}),
  };
  const policy = policyFor(options.policy ?? "default");
  const [current, previous] = await Promise.all([
    loadDirectory(options.input, src),
    loadBaseline(options.against, options.input, src),
  ]);
  return compareContracts(previous, current, { ...options, policy: policy.name });
}

/** Loads the baseline; its compile errors say which baseline they come from. */
async function loadBaseline(
  ref: string,
  input: string,
  src: SourceOptions,
): Promise<LoadedContract> {
  try {
    return await loadBaselineOf(baselineKind(ref, src.cwd), ref, input, src);
  } catch (err) {
    if (!isProtoInputError(err)) throw err;
    const kind = baselineKind(ref, src.cwd);
    const where = (file: string) => (kind === "git" ? `${ref}:${file}` : file);
    throw new ProtoInputError(
      err.code,
      `baseline ${ref}: ${err.message}`,
      err.diagnostics.map((d) => ({
        ...d,
        file: where(d.file),
        message: `(baseline ${ref}) ${d.message}`,
      })),
      { cause: err },
    );
  }
}

function loadBaselineOf(
  kind: BaselineKind,
  ref: string,
  input: string,
  src: SourceOptions,
): Promise<LoadedContract> {
  switch (kind) {
    case "dir":
      return loadDirectory(ref, src);
    case "image":
      return Promise.resolve(loadImageFile(ref, src));
    case "git":
      return loadGitRef(ref, input, src);
  }
}

/** Compares two compiled contracts (also usable with images from elsewhere, e.g. a registry). */
export async function compareContracts(
  previous: LoadedContract,
  current: LoadedContract,
  options: Pick<GateOptions, "policy" | "exceptions" | "today"> = {},
): Promise<GateResult> {
  const policy = policyFor(options.policy ?? "default");
  const changed = changedFiles(previous.image, current.image);
  const compared = comparisonSet(previous.image, current.image, changed);
  const result = (findings: Finding[]): GateResult => ({
    policy: policy.name,
    input: current.label,
    against: previous.label,
    findings: findings.sort(compareFindings),
    breaking: findings.some(isBlocking),
    stats: {
      files: current.image.files.size,
      changedFiles: changed.size,
      comparedFiles: compared.size,
    },
  });
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const exceptions = options.exceptions ?? { exceptions: [] };

  // buf works in its own process while the rules below run here.
  const bufRun =
    changed.size > 0
      ? runBufBreaking(
          subsetImage(current.image, compared),
          subsetImage(previous.image, compared),
          policy.bufUse,
        )
      : Promise.resolve([]);
  bufRun.catch(() => {}); // awaited below; avoid an unhandled rejection while the rules run
  const prevIndex = indexContract(previous.image, compared);
  const curIndex = indexContract(current.image, compared);
  let fullIndex: ReturnType<typeof indexContract> | undefined;
  const ctx: RuleContext = {
    previous: {
      index: prevIndex,
      userPath: previous.userPath,
      options: createOptionReader(previous.image),
    },
    current: {
      index: curIndex,
      userPath: current.userPath,
      options: createOptionReader(current.image),
    },
    changed,
    previousFull: () => {
      fullIndex ??= indexContract(previous.image, previous.image.order);
      return fullIndex;
    },
  };
  const own: Finding[] = [];
  if (policy.contractRules && changed.size > 0) {
    own.push(...checkRpcSurface(ctx), ...checkBindings(ctx), ...checkValidation(ctx));
    if (policy.requireDeprecation) own.push(...checkDeletions(ctx));
  }
  const fromBuf = enrichBufFindings(await bufRun, ctx.previous, ctx.current);
  return result(
    applyExceptions([...fromBuf, ...dedupe(own, fromBuf)], exceptions, curIndex, today),
  );
}

/** ContractKit findings that repeat a buf finding on the same element are dropped. */
const REPEATS_BUF = new Set(["CK_DELETE_WITHOUT_DEPRECATION", "CK_SERVICE_PATH_CHANGED"]);

function dedupe(own: Finding[], fromBuf: Finding[]): Finding[] {
  const seen = new Set(fromBuf.map((f) => f.element));
  return own.filter((f) => !(REPEATS_BUF.has(f.rule) && seen.has(f.element)));
}
