import { type ContractError, isContractError } from "@contractkit/core";
import type { RpcHandlerContext } from "../src/index.js";
import type { WidgetRequest, WidgetResponse, WidgetServiceHandlers } from "./rpc-fixtures.js";

/** Helpers of the NATS RPC tests (not part of the generated shape). */

type Handler = (
  request: WidgetRequest,
  ctx: RpcHandlerContext,
) => Promise<WidgetResponse> | WidgetResponse;

/** Handlers for every method: the given ones, the rest answer with their method name. */
export function widgetHandlers(given: Partial<WidgetServiceHandlers> = {}): WidgetServiceHandlers {
  const echo =
    (method: string): Handler =>
    (request) => ({
      id: `${method}-1`,
      name: request.name,
      quantity: request.quantity,
      note: method,
    });
  return {
    getWidget: given.getWidget ?? echo("getWidget"),
    reserveWidget: given.reserveWidget ?? echo("reserveWidget"),
    createWidget: given.createWidget ?? echo("createWidget"),
    slowWidget: given.slowWidget ?? echo("slowWidget"),
  };
}

export function widget(name = "sprocket", quantity = 1): WidgetRequest {
  return { name, quantity };
}

/** Resolves after `ms`, or rejects with the signal's reason when it fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Polls until `predicate` holds; rejects naming `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

/** The ContractError a call fails with; throws when it succeeds or fails otherwise. */
export async function failure(p: Promise<unknown>): Promise<ContractError> {
  try {
    await p;
  } catch (err) {
    if (isContractError(err)) return err;
    throw err;
  }
  throw new Error("the call succeeded");
}
