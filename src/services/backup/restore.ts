import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../lib/app-error.ts";
import { keyFingerprint, randomId } from "../../lib/crypto.ts";
import { fsyncDir, writeFileAtomic } from "../../lib/fs-atomic.ts";
import { readKeyring, writeKeyring } from "../../store/keyring.ts";
import { acquireLock } from "../../store/lock.ts";
import { type MasterKeySource, resolveMasterKey } from "../../store/master-key.ts";
import { knownMasterKeys } from "../../store/retired-keys.ts";
import { RESTORE_JOURNAL, type RestoreJournal } from "../../store/store.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { runDailyRetention } from "../retention.ts";
import type { CheckArchiveResult } from "./archive.ts";
import { BACKUP_LOCK_FILE, ENTRY } from "./format.ts";
import { readBackupIdentity } from "./identity.ts";
import { checkInWorker } from "./run-in-worker.ts";

/**
 * `loupe backup restore FILE`, with the server stopped: the whole drill runs first on a copy unpacked
 * inside the data directory (any refusal leaves the live data untouched); then the live files move
 * into `pre-restore-<time>/` and the restored ones take their place, by renames, under a journal that
 * the next start rolls back if the swap was cut; then `afterSwap` (migrations, retention and purge,
 * the audit entry) runs before anything serves, and any failure there puts the previous data back.
 * The live erasure log is never replaced: it is newer than any backup.
 */
const LIVE_FILES = [ENTRY.database, `${ENTRY.database}-wal`, `${ENTRY.database}-shm`, ENTRY.keyring, ENTRY.auditHead];

export type RestoreResult = {
  check: CheckArchiveResult;
  preRestoreDir: string | undefined;
  erasureLog: "kept" | "restored" | "none";
};

export async function restoreBackup(input: {
  dataDir: string;
  keyDir: string;
  masterKey: MasterKeySource;
  file: string;
  knownMigrations: string[];
  now: number;
  /** Runs on the restored data before the lock is released (migrate, retention, audit); throwing rolls back. */
  afterSwap: (check: CheckArchiveResult) => Promise<void> | void;
}): Promise<RestoreResult> {
  const { dataDir } = input;
  if (!existsSync(input.file)) throw new AppError("NOT_FOUND", `There is no file ${input.file}.`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const releaseServer = acquireLock(dataDir, "backup restore");
  let releaseBackup: (() => void) | undefined;
  const workDir = join(dataDir, `.restore-${randomId(9)}`);
  try {
    releaseBackup = acquireLock(dataDir, "backup restore", BACKUP_LOCK_FILE);
    const masterKey = resolveMasterKey(input.masterKey, true);
    const identity = await readBackupIdentity(input.keyDir);
    const check = await checkInWorker({
      file: input.file,
      identities: [identity.identity],
      masterKeys: knownMasterKeys(input.keyDir, masterKey.key).map((k) => k.toString("base64")),
      workDir,
      knownMigrations: input.knownMigrations,
      keep: true,
    });

    // The keyring comes back wrapped by the master key of the backup's day: re-wrap it under today's,
    // which is the one the server will open the data with.
    const ring = join(workDir, ENTRY.keyring);
    const keys = knownMasterKeys(input.keyDir, masterKey.key);
    const keyring = keys
      .map((k) => {
        try {
          return readKeyring(ring, k);
        } catch {
          return undefined;
        }
      })
      .find((k) => k !== undefined);
    if (!keyring) throw new AppError("BACKUP_MASTER_KEY_MISMATCH", "No master key at hand opens the backup's keyring.");
    if (keyFingerprint(keys[0]!) !== check.manifest.masterKeyId) writeKeyring(ring, keyring, masterKey.key);

    const stamp = new Date(input.now)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}Z$/, "Z");
    const live = LIVE_FILES.filter((name) => existsSync(join(dataDir, name)));
    const preRestoreDir = live.length > 0 ? join(dataDir, `pre-restore-${stamp}`) : undefined;
    const restoredNames = [ENTRY.database, ENTRY.keyring, ENTRY.auditHead].filter((n) => existsSync(join(workDir, n)));
    const keepErasureLog = existsSync(join(dataDir, ENTRY.erasureLog));
    const bringErasureLog = !keepErasureLog && existsSync(join(workDir, ENTRY.erasureLog));
    const placed = [...restoredNames, ...(bringErasureLog ? [ENTRY.erasureLog] : [])];
    const journal: RestoreJournal = { phase: "swapping", preRestoreDir: preRestoreDir ?? null, moved: live, placed };
    const journalPath = join(dataDir, RESTORE_JOURNAL);
    writeFileAtomic(journalPath, JSON.stringify(journal) + "\n");

    const rollback = () => {
      for (const name of placed) rmSync(join(dataDir, name), { force: true });
      for (const suffix of ["-wal", "-shm"]) rmSync(join(dataDir, ENTRY.database + suffix), { force: true });
      if (preRestoreDir) for (const name of live) renameSync(join(preRestoreDir, name), join(dataDir, name));
      fsyncDir(dataDir);
      rmSync(journalPath, { force: true });
    };
    try {
      if (preRestoreDir) {
        mkdirSync(preRestoreDir, { mode: 0o700 });
        for (const name of live) renameSync(join(dataDir, name), join(preRestoreDir, name));
        fsyncDir(preRestoreDir);
      }
      for (const name of placed) renameSync(join(workDir, name), join(dataDir, name));
      fsyncDir(dataDir);
      writeFileAtomic(journalPath, JSON.stringify({ ...journal, phase: "swapped" }) + "\n");
      await input.afterSwap(check);
    } catch (error) {
      rollback();
      throw new AppError(
        "RESTORE_FAILED",
        `The restore failed after the swap (${error instanceof Error ? error.message : String(error)}); the previous data was put back.`,
        { cause: error },
      );
    }
    rmSync(journalPath, { force: true });
    return { check, preRestoreDir, erasureLog: keepErasureLog ? "kept" : bringErasureLog ? "restored" : "none" };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    releaseBackup?.();
    releaseServer();
  }
}

/**
 * What runs on restored data before anything serves it (T-B6): the retention and purge jobs — which
 * also re-apply erasures recorded in the erasure log after the backup was taken — and the audit entry.
 */
export function completeRestore(ctx: ServiceContext, check: CheckArchiveResult): void {
  runDailyRetention(ctx);
  appendAudit(ctx, { action: "backup.restored", actorId: null, targetId: check.manifest.createdAt });
}
