import * as z from "zod";
import { POLICY_NAMES } from "./policy.js";

const isoDate = z
  .union([z.string(), z.date()])
  .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-12-31"));

/** One accepted break in contractkit.yaml. */
export const breakingExceptionSchema = z
  .object({
    /** A rule id as findings print it (`FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED`, `CK_EVENT_SUBJECT_CHANGED`). */
    rule: z.string().min(1),
    /** The element's full name as findings print it (`musiccorp.orders.v1.Order.note`). */
    element: z.string().min(1),
    reason: z.string().min(1),
    /** Last day the exception applies (UTC); after it, the gate fails. */
    expires: isoDate,
    approver: z.string().min(1),
  })
  .strict();

/**
 * The `breaking:` section of contractkit.yaml:
 *
 *   breaking:
 *     policy: default            # default | strict | wire_json
 *     against: origin/main       # default baseline for --against
 *     exceptions:
 *       - rule: FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED
 *         element: musiccorp.orders.v1.Order.note
 *         reason: nobody reads it since v1.4 (checked in the registry)
 *         expires: 2026-12-31
 *         approver: alice
 */
export const breakingSection = z
  .object({
    policy: z.enum(POLICY_NAMES as [string, ...string[]]).optional(),
    against: z.string().min(1).optional(),
    exceptions: z.array(breakingExceptionSchema).optional(),
  })
  .strict();

export type BreakingConfig = z.infer<typeof breakingSection>;
export type BreakingException = z.infer<typeof breakingExceptionSchema>;
