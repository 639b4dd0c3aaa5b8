/**
 * Names of the JetStream resources ContractKit derives from the contract. Stream names
 * come from the contract as written; durable consumer names are derived from the
 * consuming service and the event, because a NATS name may not hold `.`, `*`, `>` or
 * whitespace.
 */
const BAD_NAME = /[.*>\s/\\]/;

/** `musiccorp.orders.v1.OrderService` + `musiccorp.orders.v1.OrderPlaced` → `musiccorp_orders_v1_OrderService-OrderPlaced`. */
export function durableName(service: string, eventType: string): string {
  const event = eventType.slice(eventType.lastIndexOf(".") + 1);
  return `${service.replace(/\./g, "_")}-${event}`;
}

/** Throws an error naming `what` when `name` is not a valid stream or consumer name. */
export function assertResourceName(name: string, what: string): void {
  if (name === "" || BAD_NAME.test(name)) {
    throw new Error(
      `${what} "${name}" is not a valid JetStream name: use letters, digits, "-" and "_" (no ".", "*", ">", "/", "\\" or whitespace)`,
    );
  }
}
