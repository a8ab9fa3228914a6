import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** fsync a directory so that a rename or a new file inside it survives power loss. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` (fails if it exists), writes `data` and fsyncs the file. */
function createSynced(path: string, data: string | Uint8Array, mode: number): void {
  const fd = openSync(path, "wx", mode);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `data` to a new file and fsyncs it and its directory (fails if the file exists). */
export function writeFileDurable(path: string, data: string | Uint8Array, mode = 0o600): void {
  createSynced(path, data, mode);
  fsyncDir(dirname(path));
}

/**
 * Replaces `path` atomically: temp file, fsync, rename, fsync of the directory.
 * A crash leaves either the old content or the new one, never a mix.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  createSynced(tmp, data, mode);
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Renames atomically and makes the rename durable. */
export function renameDurable(from: string, to: string): void {
  renameSync(from, to);
  fsyncDir(dirname(to));
}

/**
 * writeFileAtomic off the event loop (the fsyncs run on the thread pool): for files written while the
 * server serves, e.g. a backup's sidecar and status.
 */
export async function writeFileAtomicAsync(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.floor(performance.now() * 1000)}.tmp`);
  await rm(tmp, { force: true });
  const file = await open(tmp, "wx", mode);
  try {
    await file.writeFile(typeof data === "string" ? Buffer.from(data, "utf8") : data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
