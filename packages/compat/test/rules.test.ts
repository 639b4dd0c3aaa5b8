import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { runGate } from "../src/gate.js";
import type { PolicyName } from "../src/policy.js";
import { materializeValidateProto } from "../src/toolchain/validate-proto.js";

/**
 * One folder per rule under test/rules/<case>/ with previous/ and current/ protos and
 * fixture.json holding the policy (default unless named) and the exact findings: rule,
 * element, file, line and column. UPDATE_FIXTURES=1 rewrites the expectations (review
 * the diff before committing).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), "rules");
const cases = readdirSync(root).sort();

interface Expected {
  rule: string;
  element: string;
  file: string;
  line: number;
  column: number;
  accepted?: boolean;
}

let includes: string[] = [];
beforeAll(() => {
  includes = [materializeValidateProto(join(tmpdir(), "contractkit-test-validate-proto"))];
});

function gate(name: string, policy?: PolicyName) {
  return runGate({
    input: "current",
    against: "previous",
    cwd: join(root, name),
    includes,
    ...(policy ? { policy } : {}),
    today: "2026-06-01",
  });
}

describe("rule fixtures", () => {
  it("has a folder per rule", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(root, name);
      const fixture = JSON.parse(readFileSync(join(dir, "fixture.json"), "utf8")) as {
        policy?: PolicyName;
        findings?: Expected[];
      };
      const result = await gate(name, fixture.policy);
      const actual: Expected[] = result.findings.map((f) => ({
        rule: f.rule,
        element: f.element,
        file: f.location.file,
        line: f.location.line,
        column: f.location.column,
        ...(f.accepted ? { accepted: true } : {}),
      }));
      if (process.env.UPDATE_FIXTURES) {
        writeFileSync(
          join(dir, "fixture.json"),
          `${JSON.stringify({ ...fixture, findings: actual }, null, 2)}\n`,
        );
      }
      expect(actual).toEqual(fixture.findings);
      expect(result.breaking).toBe(actual.some((f) => !f.accepted));
      for (const f of result.findings) {
        expect(f.message.length).toBeGreaterThan(0);
        expect(f.hint.length).toBeGreaterThan(0);
        expect(f.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      }
    });
  }
});

describe("validation drift names the role that makes it breaking", () => {
  const cases: [fixture: string, element: string, message: string, hint: string][] = [
    [
      "validation-request-tightened",
      "shop.v1.PlaceOrderRequest.customer_id",
      "shop.v1.PlaceOrderRequest is a request of shop.v1.OrderService.PlaceOrder: a tighter rule rejects what old clients send.",
      "every client sends data that passes the new rule",
    ],
    [
      "validation-response-loosened",
      "shop.v1.PlaceOrderResponse.order_id",
      "shop.v1.PlaceOrderResponse is a response of shop.v1.OrderService.PlaceOrder: a looser rule lets the new server send what old, validating clients reject.",
      "until every client runs the new contract",
    ],
    [
      "validation-nested-request",
      "shop.v1.Address.postcode",
      "shop.v1.Address is part of the request of shop.v1.OrderService.PlaceOrder (through shop.v1.PlaceOrderRequest.addresses): a tighter rule",
      "every client sends data that passes the new rule",
    ],
    [
      "validation-event",
      "shop.v1.OrderLine.quantity",
      "shop.v1.OrderLine is part of the event shop.v1.OrderPlaced (through shop.v1.OrderPlaced.lines): a looser rule lets producers publish what old, validating consumers reject.",
      "until every consumer runs the new contract",
    ],
    [
      "validation-two-roles",
      "shop.v1.Money.units",
      "shop.v1.Money is part of the response of shop.v1.OrderService.GetOrder (through shop.v1.Order.total): a looser rule",
      "until every client runs the new contract",
    ],
    [
      "validation-role-from-baseline",
      "shop.v1.Order.order_id",
      "shop.v1.Order is a response of shop.v1.OrderService.GetOrder in the baseline: a looser rule",
      "until every client runs the new contract",
    ],
    [
      "validation-tightened",
      "shop.v1.PlaceOrderRequest.customer_id",
      "shop.v1.PlaceOrderRequest is not reached from any method or event, so both directions count: it rejects data the old contract accepted.",
      "validate the stricter rule in the producer first",
    ],
    [
      "persisted-event-required-field-added",
      "shop.v1.OrderPlaced.store_id",
      "shop.v1.OrderPlaced is an event persisted in stream ORDERS: a tighter rule rejects what old producers publish, and old messages in the stream are replayed by new consumers.",
      "old messages in the stream never will",
    ],
  ];
  for (const [fixture, element, message, hint] of cases) {
    it(`${fixture}: ${element}`, async () => {
      const finding = (await gate(fixture)).findings.find((f) => f.element === element);
      expect(finding?.message).toContain(message);
      expect(finding?.hint).toContain(hint);
    });
  }
});
