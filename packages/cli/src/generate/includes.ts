import { existsSync } from "node:fs";
import { join } from "node:path";
import { defaultValidateProtoDir, materializeValidateProto } from "@contractkit/compat/internal";

/** Where a project keeps protovalidate's materialised rules (its buf.yaml names it). */
export function projectValidateProtoDir(projectDir: string): string {
  return existsSync(join(projectDir, "node_modules"))
    ? join(projectDir, "node_modules/.cache/contractkit/proto")
    : defaultValidateProtoDir();
}

/**
 * Extra proto roots every build needs besides the user's folder and the ContractKit
 * annotations: protovalidate's `buf/validate/validate.proto`, materialised from the
 * descriptor embedded in @bufbuild/protovalidate (never a committed copy) into the
 * project's `node_modules/.cache/contractkit/proto`, and rewritten only when it changes.
 * Every verb calls this, so the folder a project's buf.yaml names always exists.
 */
export async function extraIncludeDirs(projectDir: string): Promise<string[]> {
  return [materializeValidateProto(projectValidateProtoDir(projectDir))];
}
