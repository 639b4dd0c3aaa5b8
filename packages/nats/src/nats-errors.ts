import { JetStreamApiError } from "@nats-io/jetstream";

/** JetStream API codes for "stream not found" and "consumer not found". */
const NOT_FOUND_CODES = new Set([10059, 10014]);

/** True for a JetStream "stream/consumer not found" error. */
export function isNotFound(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return NOT_FOUND_CODES.has(err.code) || err.status === 404;
  const e = err as { name?: string; code?: unknown; status?: unknown } | undefined;
  return (
    e?.name === "StreamNotFoundError" || e?.name === "ConsumerNotFoundError" || e?.status === 404
  );
}

/** The message of anything thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
