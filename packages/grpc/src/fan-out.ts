import {
  Code,
  ContractError,
  currentContext,
  deadlineSignal,
  minDeadline,
  withContext,
} from "@contractkit/core";

export interface FanOutOptions {
  /** Time for all the calls together. */
  timeoutMs?: number;
  /** An absolute deadline (epoch ms); the earlier of this and `timeoutMs` applies. */
  deadline?: number;
  /** Cancels every call still running. */
  signal?: AbortSignal;
}

type Task = (signal: AbortSignal) => Promise<unknown>;
export type FanOutResults<T extends readonly Task[]> = {
  -readonly [K in keyof T]: PromiseSettledResult<Awaited<ReturnType<T[K]>>>;
};

/**
 * Runs calls in parallel under one deadline and returns every outcome, in order, as
 * settled results: "ask three stockists for a price" takes as long as the slowest answer
 * (or the deadline), not the sum, and one failure does not lose the other answers.
 *
 * Each task runs in a call context whose deadline is the shared one (never later than
 * the caller's own), so ContractKit clients called inside inherit it; the task also gets
 * the shared AbortSignal. A task still running at the deadline settles as
 * DEADLINE_EXCEEDED; rejections are ContractErrors.
 */
export async function fanOut<const T extends readonly Task[]>(
  tasks: T,
  options: FanOutOptions = {},
): Promise<FanOutResults<T>> {
  const own = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  const deadline = minDeadline(minDeadline(own, options.deadline), currentContext()?.deadline);
  const signal = deadlineSignal(deadline, options.signal) ?? new AbortController().signal;
  const stopped = new Promise<never>((_, reject) => {
    const fail = () => reject(toError(signal.reason));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
  stopped.catch(() => {});
  const patch = deadline === undefined ? { signal } : { signal, deadline };
  const runs = tasks.map((task) =>
    Promise.race([withContext(patch, () => task(signal)), stopped]).catch((e: unknown) => {
      throw ContractError.from(e);
    }),
  );
  return (await Promise.allSettled(runs)) as FanOutResults<T>;
}

function toError(reason: unknown): ContractError {
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new ContractError(Code.DEADLINE_EXCEEDED, "the fan-out deadline passed", {
      cause: reason,
    });
  }
  return ContractError.from(reason, Code.CANCELLED);
}
