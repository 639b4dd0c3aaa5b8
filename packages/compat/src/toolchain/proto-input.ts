import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { contractkitProtoDir } from "./binaries.js";
import { ProtoInputError } from "./proto-error.js";

/**
 * A buf input that resolves `contractkit/v1/options.proto` (and any extra include
 * folders, e.g. a materialised `buf/validate/validate.proto`) without the user copying
 * them, and that maps buf's paths back to the user's files.
 */
export interface ProtoInput {
  /** The folder buf builds (a workspace). */
  readonly workspaceDir: string;
  /** Turns a path buf printed into the user's path (relative to cwd when possible). */
  toUserPath(bufPath: string): string;
  /** The folder the user named. */
  readonly moduleDir: string;
  /** The user's path of a proto file named by its import path (e.g. `acme/v1/a.proto`). */
  userPathOf(protoName: string): string;
  dispose(): void;
}

export interface ProtoInputOptions {
  /** Extra proto roots to add as modules (e.g. the materialised protovalidate folder). */
  includes?: string[];
  /** cwd for naming files in messages. */
  cwd?: string;
}

/**
 * `dir` is either a buf workspace (it has a buf.yaml: used as is, so what plain `buf`
 * sees is what ContractKit sees) or a plain folder of protos, which is wrapped in a
 * temporary workspace whose modules are the folder itself, ContractKit's annotations and
 * the extra includes. Symlinks keep the user's files in place.
 */
export function openProtoInput(dir: string, options: ProtoInputOptions = {}): ProtoInput {
  const cwd = options.cwd ?? process.cwd();
  const moduleDir = resolve(cwd, dir);
  if (!existsSync(moduleDir) || !statSync(moduleDir).isDirectory()) {
    throw new ProtoInputError(
      "CK_PROTO_INPUT",
      `proto folder not found: ${dir} (pass the folder that holds your .proto files)`,
    );
  }
  const display = (abs: string) => {
    const rel = relative(cwd, abs);
    return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
  };

  if (existsSync(join(moduleDir, "buf.yaml"))) {
    const roots = workspaceModuleRoots(moduleDir);
    return {
      workspaceDir: moduleDir,
      moduleDir,
      toUserPath: (p) => display(resolve(moduleDir, p)),
      userPathOf(name) {
        const hit = roots.map((r) => join(r, name)).find((p) => existsSync(p));
        return hit ? display(hit) : name;
      },
      dispose() {},
    };
  }

  if (!containsProto(moduleDir)) {
    throw new ProtoInputError("CK_PROTO_INPUT", `no .proto files under ${display(moduleDir)}`);
  }
  const ws = mkdtempSync(join(tmpdir(), "contractkit-ws-"));
  const modules: string[] = ["user"];
  symlinkSync(moduleDir, join(ws, "user"), "dir");
  if (!existsSync(join(moduleDir, "contractkit/v1/options.proto"))) {
    symlinkSync(contractkitProtoDir(), join(ws, "contractkit"), "dir");
    modules.push("contractkit");
  }
  (options.includes ?? []).forEach((inc, i) => {
    symlinkSync(resolve(cwd, inc), join(ws, `include${i}`), "dir");
    modules.push(`include${i}`);
  });
  writeFileSync(
    join(ws, "buf.yaml"),
    `version: v2\nmodules:\n${modules.map((m) => `  - path: ${m}\n`).join("")}`,
  );
  const userPrefix = `user${sep}`;
  return {
    workspaceDir: ws,
    moduleDir,
    userPathOf(name) {
      const own = join(moduleDir, name);
      return existsSync(own) ? display(own) : name;
    },
    toUserPath(p) {
      const abs = resolve(ws, p);
      const rel = relative(ws, abs);
      if (rel.startsWith(userPrefix)) return display(join(moduleDir, rel.slice(userPrefix.length)));
      return rel.startsWith("..") ? p : rel;
    },
    dispose() {
      rmSync(ws, { recursive: true, force: true });
    },
  };
}

function containsProto(dir: string, depth = 0): boolean {
  if (depth > 12) return false;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    if (entry.isFile() && entry.name.endsWith(".proto")) return true;
    if (entry.isDirectory() && containsProto(join(dir, entry.name), depth + 1)) return true;
  }
  return false;
}

/** Module folders named in a v2 buf.yaml (`- path: x`), or the folder itself (v1). */
function workspaceModuleRoots(dir: string): string[] {
  const text = readFileSync(join(dir, "buf.yaml"), "utf8");
  const paths = [...text.matchAll(/^\s*-\s*path:\s*["']?([^"'#\n]+?)["']?\s*(?:#.*)?$/gm)].map(
    (m) => resolve(dir, m[1] as string),
  );
  return paths.length > 0 ? paths : [dir];
}
