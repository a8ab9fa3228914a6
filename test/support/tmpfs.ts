import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type Tmpfs = { path: string; unmount(): void };

/**
 * Mounts a tmpfs of `size` (e.g. "8m") at `path`: a real small filesystem that fills up. Returns the
 * reason when this process may not mount (not Linux, not root, no CAP_SYS_ADMIN).
 */
export function mountTmpfs(path: string, size: string): { ok: true; fs: Tmpfs } | { ok: false; reason: string } {
  if (process.platform !== "linux") return { ok: false, reason: `not Linux (${process.platform})` };
  mkdirSync(path, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", path], {
    encoding: "utf8",
  });
  if (mounted.status !== 0) {
    return { ok: false, reason: (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim() };
  }
  return {
    ok: true,
    fs: {
      path,
      unmount() {
        // Lazily: a process that still holds a file there (a crashed server) must not keep the mount.
        spawnSync("umount", ["-l", path]);
      },
    },
  };
}

/** Whether a tmpfs can be mounted here (tried once on a scratch directory under `dir`). */
export function canMountTmpfs(dir: string): { ok: true } | { ok: false; reason: string } {
  const probe = mountTmpfs(join(dir, "tmpfs-probe"), "64k");
  if (!probe.ok) return probe;
  probe.fs.unmount();
  return { ok: true };
}
