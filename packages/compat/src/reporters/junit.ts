import type { GateResult } from "../gate.js";

/** JUnit XML: one test case per finding (accepted ones skipped), or one passing case. */
export function formatJunit(result: GateResult): string {
  const failures = result.findings.filter((f) => !f.accepted).length;
  const skipped = result.findings.length - failures;
  const cases = result.findings.map((f) => {
    const name = `${f.rule} ${f.element}`;
    const where = `${f.location.file}:${f.location.line}:${f.location.column}`;
    const body = f.accepted
      ? `<skipped message="${esc(`accepted: ${f.accepted.reason}`)}"/>`
      : `<failure message="${esc(f.message)}" type="${esc(f.rule)}">${esc(`${where}\n${f.message}\nFix: ${f.hint}`)}</failure>`;
    return `    <testcase classname="${esc(f.location.file)}" name="${esc(name)}" file="${esc(f.location.file)}" line="${f.location.line}">${body}</testcase>`;
  });
  if (cases.length === 0)
    cases.push(
      `    <testcase classname="contractkit" name="contract is compatible with ${esc(result.against)}"/>`,
    );
  const tests = Math.max(1, result.findings.length);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="contractkit breaking" tests="${tests}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="contractkit breaking (policy ${esc(result.policy)}, against ${esc(result.against)})" tests="${tests}" failures="${failures}" skipped="${skipped}" errors="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
