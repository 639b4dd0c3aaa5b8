import type { ContractIndex, Element } from "../contract-index.js";
import type { Side } from "../enrich.js";
import type { FindingLocation } from "../finding.js";
import type { OptionReader } from "./option-reader.js";

export interface RuleSide extends Side {
  options: OptionReader;
}

/** What ContractKit's own rules see: both sides, decoded only where files changed. */
export interface RuleContext {
  previous: RuleSide;
  current: RuleSide;
  /** Files added, removed or changed; elements elsewhere are identical on both sides. */
  changed: ReadonlySet<string>;
  /** Every file of the baseline, decoded on first use (for rare cross-file questions). */
  previousFull(): ContractIndex;
}

/** Elements of the previous side that live in changed files. */
export function* changedPreviousElements(ctx: RuleContext): Generator<Element> {
  for (const [file, elements] of ctx.previous.index.byFile) {
    if (ctx.changed.has(file)) yield* elements;
  }
}

export function locate(
  side: Side,
  element: Element,
  which: FindingLocation["side"],
): FindingLocation {
  return {
    file: side.userPath(element.file),
    line: element.span?.line ?? 1,
    column: element.span?.column ?? 1,
    side: which,
  };
}
