import { type ContractDiagnostic, diag } from "./contract-definition-error.js";
import type { ContractModel, EventModel } from "./contract-model.js";
import { locate, locateOption } from "./source-location.js";
import { invalidConcreteSubject, subjectsOverlap } from "./subject-template.js";

/**
 * The subjects of long-running requests and answers (`@contractkit/nats` default, stream
 * `CK_LONG_RUNNING`): `ck.lr.req.<service>.<Method>` and `ck.lr.res.<caller>.…`.
 */
const LONG_RUNNING_SUBJECTS = "ck.lr.>";

/** Whether a subject (literal parts or `*`) can match `ck.lr.>`. */
function inLongRunningSubjects(subject: string): boolean {
  const [a, b, ...rest] = subject.split(".");
  return rest.length > 0 && (a === "ck" || a === "*") && (b === "lr" || b === "*");
}

/**
 * The checks that compare declarations with each other: overlapping event subjects,
 * streams capturing RPC subjects, streaming methods on NATS services, RPC subject
 * prefixes, and long-running methods (NATS transport only, and nothing else inside
 * their subjects). Returns every diagnostic of the model, sorted by file and position.
 */
export function checkContract(model: ContractModel): ContractDiagnostic[] {
  const out = [...model.diagnostics];
  const events = [...model.events.values()].filter((e) => e.wildcard !== undefined);
  out.push(...checkLongRunning(model, events));

  // Two templates that can match one subject make subscriptions and streams ambiguous.
  for (let i = 0; i < events.length; i++) {
    for (let j = i + 1; j < events.length; j++) {
      const a = events[i];
      const b = events[j];
      if (!a?.wildcard || !b?.wildcard || !subjectsOverlap(a.wildcard, b.wildcard)) continue;
      const where = `${a.position.file}:${a.position.line}:${a.position.column}`;
      out.push(
        diag(
          "SUBJECT_OVERLAP",
          b.position,
          `event ${b.message.typeName}: subject "${b.subject}" can match the same subjects as "${a.subject}" of event ${a.message.typeName} (${where}); make a literal part differ, e.g. a distinct last part`,
        ),
      );
    }
  }

  for (const service of model.services) {
    if (service.transport !== "nats") continue;
    const name = service.service.typeName;
    const bad = invalidConcreteSubject(service.subjectPrefix);
    if (bad) {
      out.push(
        diag(
          "RPC_SUBJECT_INVALID",
          locateOption(service.service),
          `service ${name}: subject_prefix "${service.subjectPrefix}" ${bad}; use dot-separated literal parts, e.g. "acme.rpc.orders"`,
        ),
      );
    }
    for (const method of service.methods) {
      const at = locate(method.method);
      if (method.kind !== "unary") {
        out.push(
          diag(
            "NATS_STREAMING_METHOD",
            at,
            `service ${name}: method ${method.method.name} is ${method.kind.replace("_", " ")}, but NATS-transport services support unary methods only; make it unary or move it to a gRPC-transport service`,
          ),
        );
      }
      if (bad || !method.subject) continue;
      for (const event of events) {
        if (!event.stream || !event.wildcard || !subjectsOverlap(event.wildcard, method.subject))
          continue;
        out.push(
          diag(
            "STREAM_RPC_OVERLAP",
            at,
            `service ${name}: request subject "${method.subject}" of method ${method.method.name} is captured by stream ${event.stream} (subject "${event.wildcard}" of event ${event.message.typeName}), so JetStream would answer requests with a publish ack; change subject_prefix or the event subject`,
          ),
        );
      }
    }
  }

  return out.sort(
    (x, y) =>
      x.file.localeCompare(y.file) ||
      x.line - y.line ||
      x.column - y.column ||
      x.code.localeCompare(y.code),
  );
}

/**
 * Long-running requests travel over JetStream on `ck.lr.>`: a gRPC-transport service
 * cannot have them, and when the contract has any, no event and no NATS RPC subject may
 * lie inside those subjects (the long-running stream would capture it).
 */
function checkLongRunning(
  model: ContractModel,
  events: readonly EventModel[],
): ContractDiagnostic[] {
  const out: ContractDiagnostic[] = [];
  let first: string | undefined;
  for (const service of model.services) {
    for (const method of service.methods) {
      if (!method.longRunning) continue;
      const name = `${service.service.typeName}.${method.method.name}`;
      if (service.transport === "nats") {
        first ??= name;
        continue;
      }
      out.push(
        diag(
          "LONG_RUNNING_NOT_NATS",
          locateOption(method.method),
          `service ${service.service.typeName}: method ${method.method.name} is long_running, but long-running requests travel over JetStream and only NATS-transport services have them; set transport: TRANSPORT_NATS on the service, or remove long_running and give the gRPC call a long timeout_ms`,
        ),
      );
    }
  }
  if (first === undefined) return out;
  const uses = `the subjects of long-running requests, which ${first} uses`;
  for (const event of events) {
    if (!event.wildcard || !inLongRunningSubjects(event.wildcard)) continue;
    out.push(
      diag(
        "LONG_RUNNING_SUBJECT_OVERLAP",
        event.position,
        `event ${event.message.typeName}: subject "${event.subject}" lies inside "${LONG_RUNNING_SUBJECTS}", ${uses}; their stream would capture it, so choose a subject outside "ck.lr"`,
      ),
    );
  }
  for (const service of model.services) {
    if (service.transport !== "nats") continue;
    for (const method of service.methods) {
      if (method.longRunning || !method.subject || !inLongRunningSubjects(method.subject)) continue;
      out.push(
        diag(
          "LONG_RUNNING_SUBJECT_OVERLAP",
          locate(method.method),
          `service ${service.service.typeName}: request subject "${method.subject}" of method ${method.method.name} lies inside "${LONG_RUNNING_SUBJECTS}", ${uses}; their stream would answer requests with a publish ack, so change subject_prefix`,
        ),
      );
    }
  }
  return out;
}
