/**
 * Extra proto roots every build needs besides the user's folder and the ContractKit
 * annotations (e.g. protovalidate's materialised `buf/validate/validate.proto`).
 */
export async function extraIncludeDirs(_projectDir: string): Promise<string[]> {
  return [];
}
