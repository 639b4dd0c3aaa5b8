import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join, relative } from "node:path";

/**
 * Watches every folder under `root` with one non-recursive watcher each, set up
 * synchronously: when this returns, a change is seen. (Node 20's `recursive: true` on
 * Linux walks the tree asynchronously, so a change made right after start-up can be
 * missed.) Folders created later are watched as they appear; `skip` (relative paths)
 * and dot-folders and node_modules are never watched.
 */
export function watchTree(
  root: string,
  onChange: (file: string) => void,
  skip: (rel: string) => boolean = () => false,
): { close(): void } {
  const watchers = new Map<string, FSWatcher>();
  const add = (dir: string) => {
    if (watchers.has(dir)) return;
    const rel = relative(root, dir);
    if (rel && skip(rel)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (!name) return;
        const path = join(dir, name.toString());
        try {
          if (statSync(path).isDirectory()) add(path);
        } catch {
          // removed: nothing to watch
        }
        onChange(relative(root, path));
      });
    } catch {
      return;
    }
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules") {
        add(join(dir, entry.name));
      }
    }
  };
  add(root);
  return {
    close() {
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
