import { describe, expect, it } from "vitest";
import type { ContractIndex, Element } from "./contract-index.js";
import { applyExceptions } from "./exceptions.js";
import { createFinding, type Finding } from "./finding.js";

const finding = (element: string, rule = "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED"): Finding =>
  createFinding({
    rule,
    rules: [rule, "FIELD_NO_DELETE_UNLESS_NAME_RESERVED"],
    category: "wire",
    location: { file: "a.proto", line: 3, column: 3, side: "baseline" },
    element,
    message: "deleted",
    hint: "reserve it",
    source: "buf",
  });

function indexWithComment(fullName: string, comments: string): ContractIndex {
  const e = {
    kind: "message",
    fullName,
    file: "a.proto",
    span: undefined,
    comments,
    proto: {},
    parent: undefined,
  } as unknown as Element;
  return { files: new Map(), byName: new Map([[fullName, e]]), byFile: new Map() };
}
const empty: ContractIndex = { files: new Map(), byName: new Map(), byFile: new Map() };
const exception = (expires: string) => ({
  rule: "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
  element: "p.M.note",
  reason: "unused",
  expires,
  approver: "alice",
});

describe("exceptions", () => {
  it("accepts a finding through any of its rule ids until the end of the expiry day", () => {
    const [f] = applyExceptions(
      [finding("p.M.note")],
      { exceptions: [exception("2026-06-01")] },
      empty,
      "2026-06-01",
    );
    expect(f?.accepted).toEqual({
      via: "config",
      reason: "unused",
      approver: "alice",
      expires: "2026-06-01",
    });
  });

  it("fails an expired exception and no longer accepts the finding", () => {
    const out = applyExceptions(
      [finding("p.M.note")],
      { exceptions: [exception("2026-05-31")], lines: [9] },
      empty,
      "2026-06-01",
    );
    expect(
      out.map((f) => [f.rule, f.accepted === undefined, f.location.file, f.location.line]),
    ).toEqual([
      ["CK_EXCEPTION_EXPIRED", true, "contractkit.yaml", 9],
      ["FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED", true, "a.proto", 3],
    ]);
  });

  it("does not accept another element", () => {
    const [f] = applyExceptions(
      [finding("p.M.other")],
      { exceptions: [exception("2999-01-01")] },
      empty,
      "2026-06-01",
    );
    expect(f?.accepted).toBeUndefined();
  });

  it("accepts inline on the enclosing element, and ignores an inline accept without a reason", () => {
    const withReason = indexWithComment(
      "p.M",
      " contractkit:accept FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED reason=never set\n",
    );
    expect(
      applyExceptions([finding("p.M.note")], { exceptions: [] }, withReason, "2026-06-01")[0]
        ?.accepted,
    ).toEqual({
      via: "inline",
      reason: "never set",
    });
    const noReason = indexWithComment(
      "p.M",
      " contractkit:accept FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED\n",
    );
    const [f] = applyExceptions([finding("p.M.note")], { exceptions: [] }, noReason, "2026-06-01");
    expect(f?.accepted).toBeUndefined();
    expect(f?.hint).toContain("has no reason=");
  });
});
