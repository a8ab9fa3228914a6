import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../lib/app-error.ts";

/**
 * A lock file in the data directory says which process owns the database for exclusive work (the
 * server, or an offline data-key rotation). A lock left by a dead process is taken over.
 */
export const LOCK_FILE = "loupe.lock";

/** Backup locks this process holds (its own pid counts as "dead" for the data directory's lock). */
const heldHere = new Map<string, LockHolder>();

export type LockHolder = { pid: number; command: string; startedAt: string };

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

/** The live process holding the lock of `dataDir`, if any. */
export function lockHolder(dataDir: string, file: string = LOCK_FILE): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(join(dataDir, file), "utf8")) as LockHolder;
    return isAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock or throws DATA_DIR_LOCKED naming the holder. Returns the release function. `file`
 * names another lock of the same directory (the backup's single-flight lock).
 */
export function acquireLock(dataDir: string, command: string, file: string = LOCK_FILE): () => void {
  const path = join(dataDir, file);
  const me: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString() };
  const mine = heldHere.get(path);
  if (mine) {
    throw new AppError(
      "BACKUP_RUNNING",
      `A backup or verification is already running (pid ${mine.pid}, "${mine.command}", since ${mine.startedAt}); wait for it to finish.`,
    );
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me) + "\n", { flag: "wx", mode: 0o600 });
      if (file !== LOCK_FILE) heldHere.set(path, me);
      return () => {
        heldHere.delete(path);
        try {
          const holder = JSON.parse(readFileSync(path, "utf8")) as LockHolder;
          if (holder.pid === process.pid) rmSync(path, { force: true });
        } catch {
          // Already gone.
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const holder = lockHolder(dataDir, file);
      if (holder) {
        if (file !== LOCK_FILE) {
          throw new AppError(
            "BACKUP_RUNNING",
            `A backup or verification is already running (pid ${holder.pid}, "${holder.command}", since ${holder.startedAt}); wait for it to finish.`,
          );
        }
        throw new AppError(
          "DATA_DIR_LOCKED",
          `Another Loupe process (pid ${holder.pid}, "${holder.command}") is using ${dataDir} (it holds the lock ${path}); stop it first.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new AppError("DATA_DIR_LOCKED", `Cannot take the lock ${path}.`);
}
