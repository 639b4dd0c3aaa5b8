import type * as z from "zod";

/**
 * Helpers the generated zod schemas (`<file>.contract.ts`) use where plain zod cannot
 * say what ts-proto's TypeScript says.
 */

/**
 * A property ts-proto declares as `key: T | undefined` (message fields, oneofs, wrapper
 * types): the key is required in the type, and `undefined` (or a missing key) means
 * unset. Unlike `z.union([schema, z.undefined()])`, violations inside a set value keep
 * their path (`inner.label`, `choice.text`) instead of collapsing into one union error.
 */
export function orUndefined<T>(schema: z.ZodType<T>): z.ZodType<T | undefined> {
  return schema.optional() as unknown as z.ZodType<T | undefined>;
}
