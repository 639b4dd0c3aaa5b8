import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { GateInputError } from "./gate-error.js";
import { type RawImage, readRawImage } from "./raw-image.js";
import { buildImageBytes } from "./toolchain/build-image.js";
import { openProtoInput } from "./toolchain/proto-input.js";

/** A compiled side of the comparison. */
export interface LoadedContract {
  image: RawImage;
  /** The user's path of a file named by its import path. */
  userPath(protoName: string): string;
  /** How the user named it (`origin/main`, `proto`, `base.binpb`). */
  label: string;
}

export interface SourceOptions {
  cwd: string;
  /** Extra proto roots (e.g. the materialised buf/validate), as `generate` uses them. */
  includes?: string[];
}

export type BaselineKind = "dir" | "image" | "git";

/** A directory or a file on disk wins; anything else is a git ref. */
export function baselineKind(ref: string, cwd: string): BaselineKind {
  const p = resolve(cwd, ref);
  if (existsSync(p)) return statSync(p).isDirectory() ? "dir" : "image";
  return "git";
}

/** Compiles a proto folder (or buf workspace). */
export async function loadDirectory(
  dir: string,
  options: SourceOptions,
  label = dir,
): Promise<LoadedContract> {
  const input = openProtoInput(dir, {
    cwd: options.cwd,
    ...(options.includes ? { includes: options.includes } : {}),
  });
  try {
    const bytes = await buildImageBytes(input);
    return { image: readRawImage(bytes), userPath: (n) => input.userPathOf(n), label };
  } finally {
    input.dispose();
  }
}

/** Reads an image written by `buf build -o x.binpb` (or a FileDescriptorSet). */
export function loadImageFile(path: string, options: SourceOptions): LoadedContract {
  try {
    return {
      image: readRawImage(new Uint8Array(readFileSync(resolve(options.cwd, path)))),
      userPath: (n) => n,
      label: path,
    };
  } catch (err) {
    throw new GateInputError(
      "CK_IMAGE_INVALID",
      `${path} is not a buf image: ${(err as Error).message} (write one with \`buf build -o ${path}\`)`,
      {
        cause: err,
      },
    );
  }
}

/**
 * The input folder as it was at a git ref, read from the local repository (`git archive`,
 * no network), compiled the same way, with paths named as in the working tree.
 */
export async function loadGitRef(
  ref: string,
  inputDir: string,
  options: SourceOptions,
): Promise<LoadedContract> {
  const dirAbs = resolve(options.cwd, inputDir);
  const top = await git(["rev-parse", "--show-toplevel"], dirAbs).catch(() => {
    throw new GateInputError(
      "CK_BASELINE",
      `--against ${ref}: not a directory or image file, and ${inputDir} is not in a git repository`,
    );
  });
  const repo = top.trim();
  await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], repo).catch(() => {
    throw new GateInputError(
      "CK_BAD_REF",
      `--against ${ref}: no such git ref, directory or image file (in CI, fetch it first: git fetch origin main; or pass a folder or a buf image)`,
    );
  });
  const prefix = relative(repo, dirAbs) || ".";
  const paths = archivePaths(dirAbs).map((p) => join(prefix, p));
  const tmp = mkdtempSync(join(tmpdir(), "contractkit-ref-"));
  try {
    await gitArchive(repo, ref, paths, tmp).catch((err: Error) => {
      throw new GateInputError(
        "CK_BASELINE",
        `--against ${ref}: ${prefix} does not exist at ${ref} (${err.message.trim()})`,
      );
    });
    const input = openProtoInput(join(tmp, prefix), {
      cwd: tmp,
      ...(options.includes ? { includes: options.includes } : {}),
    });
    try {
      const image = readRawImage(await buildImageBytes(input));
      // Named now: the extracted tree is deleted before findings are reported.
      const names = new Map<string, string>();
      for (const n of image.order) {
        const p = input.userPathOf(n);
        names.set(n, isAbsolute(p) || p === n ? n : relative(options.cwd, join(repo, p)));
      }
      return { image, userPath: (n) => names.get(n) ?? n, label: ref };
    } finally {
      input.dispose();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** For a buf workspace, its buf.yaml and module folders; otherwise the whole folder. */
function archivePaths(dir: string): string[] {
  const bufYaml = join(dir, "buf.yaml");
  if (!existsSync(bufYaml)) return ["."];
  const text = readFileSync(bufYaml, "utf8");
  const modules = [...text.matchAll(/^\s*-\s*path:\s*["']?([^"'#\n]+?)["']?\s*(?:#.*)?$/gm)].map(
    (m) => m[1] as string,
  );
  return modules.length > 0 ? ["buf.yaml", ...modules] : ["."];
}

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(err || `git exited ${code}`)),
    );
  });
}

function gitArchive(repo: string, ref: string, paths: string[], into: string): Promise<void> {
  const archive = spawn("git", ["archive", "--format=tar", ref, "--", ...paths], {
    cwd: repo,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tar = spawn("tar", ["-x", "-C", into], { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  archive.stderr.on("data", (c: Buffer) => {
    err += c.toString();
  });
  archive.stdout.pipe(tar.stdin);
  const exit = (child: ReturnType<typeof spawn>) =>
    new Promise<number | null>((ok, fail) => {
      child.on("error", fail);
      child.on("close", ok);
    });
  return Promise.all([exit(archive), exit(tar)]).then(([a, t]) => {
    if (a !== 0 || t !== 0) throw new Error(err || `git archive exited ${a}, tar ${t}`);
  });
}
