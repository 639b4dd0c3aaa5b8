import { materializeValidateProto } from "@contractkit/compat/internal";

/**
 * Extra proto roots every build needs besides the user's folder and the ContractKit
 * annotations: protovalidate's `buf/validate/validate.proto`, materialised from the
 * descriptor embedded in @bufbuild/protovalidate (never a committed copy). Written once
 * into `node_modules/.cache/contractkit/proto` and rewritten only when it changes.
 */
export async function extraIncludeDirs(_projectDir: string): Promise<string[]> {
  return [materializeValidateProto()];
}
