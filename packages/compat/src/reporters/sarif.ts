import type { GateResult } from "../gate.js";

/** SARIF 2.1.0 (GitHub code scanning and other viewers); accepted findings are suppressed. */
export function formatSarif(result: GateResult): string {
  const rules = [...new Map(result.findings.map((f) => [f.rule, f])).values()].map((f) => ({
    id: f.rule,
    shortDescription: { text: f.rule.replace(/^CK_/, "").replace(/_/g, " ").toLowerCase() },
    properties: { category: f.category, source: f.source },
  }));
  const results = result.findings.map((f) => ({
    ruleId: f.rule,
    level: f.accepted ? "note" : "error",
    message: { text: `${f.element}: ${f.message} Fix: ${f.hint}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: f.location.file.split("\\").join("/") },
          region: { startLine: f.location.line, startColumn: f.location.column },
        },
        logicalLocations: [{ fullyQualifiedName: f.element }],
      },
    ],
    partialFingerprints: { "contractkit/v1": f.fingerprint },
    properties: { category: f.category, rules: f.rules, side: f.location.side },
    ...(f.accepted
      ? {
          suppressions: [
            {
              kind: f.accepted.via === "inline" ? "inSource" : "external",
              justification: f.accepted.reason,
            },
          ],
        }
      : {}),
  }));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "contractkit", rules } }, results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
