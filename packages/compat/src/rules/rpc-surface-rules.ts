import { createFinding, type Finding } from "../finding.js";
import { changedPreviousElements, locate, type RuleContext } from "./rule-context.js";

/**
 * A service whose full name no longer exists: deleted, renamed, or moved to another
 * package (a file move that changes the package). buf's SERVICE_NO_DELETE compares files
 * by path and PACKAGE_SERVICE_NO_DELETE packages by name, so a service moved to a new
 * file in a new package escapes both; its gRPC method paths are gone all the same.
 */
export function checkRpcSurface(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const before of changedPreviousElements(ctx)) {
    if (
      before.kind !== "service" ||
      ctx.current.index.byName.get(before.fullName)?.kind === "service"
    )
      continue;
    const moved = [...ctx.current.index.byName.values()].find(
      (e) => e.kind === "service" && e.proto.name === before.proto.name,
    );
    const methods = before.proto.method.map((m) => `/${before.fullName}/${m.name}`);
    out.push(
      createFinding({
        rule: "CK_SERVICE_PATH_CHANGED",
        category: "rpc-surface",
        location: locate(ctx.previous, before, "baseline"),
        element: before.fullName,
        message: `service ${before.fullName} ${moved ? `moved to ${moved.fullName}` : "was deleted or renamed"}: the gRPC method path${methods.length === 1 ? "" : "s"} ${methods.join(", ")} ${methods.length === 1 ? "is" : "are"} gone and callers get UNIMPLEMENTED.`,
        hint: "keep serving the service under its old package and name until no client calls it; add the new one beside it",
        source: "contractkit",
      }),
    );
  }
  return out;
}
