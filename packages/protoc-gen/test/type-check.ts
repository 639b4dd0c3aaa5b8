import { symlink } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** The workspace's node_modules (zod, @contractkit/*, @grpc/grpc-js, @bufbuild/protobuf). */
export const WORKSPACE_NODE_MODULES = fileURLToPath(
  new URL("../../../node_modules", import.meta.url),
);

/** Makes generated code in `dir` resolve its package imports from the workspace. */
export async function linkNodeModules(dir: string): Promise<void> {
  await symlink(WORKSPACE_NODE_MODULES, join(dir, "node_modules"), "dir");
}

/**
 * Type-checks `files` (absolute paths) the way a user's build would: TypeScript strict,
 * exactOptionalPropertyTypes, NodeNext ESM. Returns the diagnostics as
 * `file:line:col: message` lines (empty: no errors).
 */
export function typeCheck(dir: string, files: readonly string[]): string[] {
  const options: ts.CompilerOptions = {
    strict: true,
    exactOptionalPropertyTypes: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: false,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    typeRoots: [join(WORKSPACE_NODE_MODULES, "@types")],
    noEmit: true,
    skipLibCheck: true,
    rootDir: dir,
  };
  const program = ts.createProgram({ rootNames: [...files], options });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return text;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.replace(`${dir}/`, "")}:${line + 1}:${character + 1}: ${text}`;
  });
}
