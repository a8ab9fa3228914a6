import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../lib/app-error.ts";
import { renameDurable } from "../lib/fs-atomic.ts";
import { type Db, openDatabase } from "./database.ts";
import {
  databaseKeyText,
  type Keyring,
  keyringPath,
  newKeyring,
  PENDING_KEYRING_FILE,
  readKeyring,
  writeKeyring,
} from "./keyring.ts";
import { type MasterKey, type MasterKeySource, readKeyFile, resolveMasterKey } from "./master-key.ts";

export const DATABASE_FILE = "loupe.db";
/** The copy taken before an offline data-key rotation; kept until the rotation is complete. */
export const PRE_REKEY_COPY = "loupe.db.pre-rekey";
/** Written by `loupe backup restore` while it swaps the data directory's files (see services/backup/restore.ts). */
export const RESTORE_JOURNAL = "restore-journal.json";
export type RestoreJournal = {
  /** "swapping": files are moving (a cut here is rolled back); "swapped": the restored data is complete. */
  phase: "swapping" | "swapped";
  preRestoreDir: string | null;
  /** Live files moved into preRestoreDir. */
  moved: string[];
  /** Restored files placed into the data directory. */
  placed: string[];
};

/**
 * Rolls back a restore whose swap was cut (a crash between the renames): the restored files go, the
 * previous ones come back from the pre-restore copy. A restore cut after the swap is complete keeps
 * the restored data (the server runs retention and purge before it serves).
 */
function recoverInterruptedRestore(dataDir: string): void {
  const path = join(dataDir, RESTORE_JOURNAL);
  if (!existsSync(path)) return;
  const journal = JSON.parse(readFileSync(path, "utf8")) as RestoreJournal;
  if (journal.phase === "swapping") {
    for (const name of journal.placed) {
      if (journal.preRestoreDir === null || !existsSync(join(journal.preRestoreDir, name)))
        rmSync(join(dataDir, name), { force: true });
    }
    if (journal.preRestoreDir !== null) {
      for (const name of journal.moved) {
        const from = join(journal.preRestoreDir, name);
        if (existsSync(from)) renameSync(from, join(dataDir, name));
      }
    }
  }
  rmSync(path, { force: true });
}

/** Suffix of the next master key while `loupe key rotate` replaces a generated key file. */
export const NEXT_KEY_SUFFIX = ".next";

export type StoreOptions = {
  dataDir: string;
  masterKey: MasterKeySource;
  busyTimeoutMs?: number;
  /** false: refuse to create a new data directory (for read-only commands). Default true. */
  create?: boolean;
};

export type Store = {
  db: Db;
  keyring: Keyring;
  masterKey: MasterKey;
  dataDir: string;
  /** Checkpoints the WAL and closes the database. */
  close(): void;
};

export function databasePath(dataDir: string): string {
  return join(dataDir, DATABASE_FILE);
}

function opensWith(path: string, key: Buffer): Keyring | undefined {
  try {
    return readKeyring(path, key);
  } catch {
    return undefined;
  }
}

/** Finishes or undoes a master-key rotation of the generated key file that a crash interrupted. */
function recoverMasterKeyRotation(source: MasterKeySource, dataDir: string): void {
  if (source.kind !== "default") return;
  const next = source.path + NEXT_KEY_SUFFIX;
  const ring = keyringPath(dataDir);
  if (!existsSync(next) || !existsSync(ring)) return;
  if (existsSync(source.path) && opensWith(ring, readKeyFile(source.path, "master.key"))) {
    rmSync(next, { force: true }); // The keyring was never re-wrapped: the old key stays.
  } else if (opensWith(ring, readKeyFile(next, "master.key.next"))) {
    renameDurable(next, source.path); // The keyring was re-wrapped: the new key takes over.
  }
}

function removeDatabaseFiles(dbPath: string): void {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbPath + suffix, { force: true });
}

function tryOpen(dbPath: string, keyring: Keyring, busyTimeoutMs: number): Db | undefined {
  try {
    const db = openDatabase(dbPath, databaseKeyText(keyring), { busyTimeoutMs });
    if (db.pragma("quick_check") === "ok") return db;
    db.close();
  } catch {
    // Not this key.
  }
  return undefined;
}

/**
 * Finishes or undoes an offline data-key rotation that a crash interrupted: the database opens with
 * the pending key (rekey done: promote it), or with the current key (rekey not done: drop it), or
 * with neither (rekey cut midway: put back the copy taken first, which opens with the current key).
 */
function recoverDataKeyRotation(dataDir: string, masterKey: Buffer, busyTimeoutMs: number): void {
  const pendingPath = join(dataDir, PENDING_KEYRING_FILE);
  const copy = join(dataDir, PRE_REKEY_COPY);
  const dbPath = databasePath(dataDir);
  if (!existsSync(pendingPath)) {
    if (existsSync(copy)) rmSync(copy, { force: true });
    return;
  }
  const pending = readKeyring(pendingPath, masterKey);
  const current = readKeyring(keyringPath(dataDir), masterKey);
  const withPending = tryOpen(dbPath, pending, busyTimeoutMs);
  if (withPending) {
    withPending.close();
    renameDurable(pendingPath, keyringPath(dataDir));
    rmSync(copy, { force: true });
    return;
  }
  const withCurrent = tryOpen(dbPath, current, busyTimeoutMs);
  if (withCurrent) {
    withCurrent.close();
  } else if (existsSync(copy)) {
    removeDatabaseFiles(dbPath);
    renameDurable(copy, dbPath);
  } else {
    throw new AppError(
      "DATA_KEY_RECOVERY_FAILED",
      `The database ${dbPath} opens with neither data key and no copy ${copy} exists.`,
    );
  }
  rmSync(pendingPath, { force: true });
  rmSync(copy, { force: true });
}

/**
 * Unlocks the data directory: resolves the master key (generating one only on a fresh install),
 * finishes any interrupted key rotation and unwraps (or, on a fresh install, creates) the keyring.
 */
export function openKeyring(options: StoreOptions): { keyring: Keyring; masterKey: MasterKey } {
  const { dataDir } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const ring = keyringPath(dataDir);
  const dbPath = databasePath(dataDir);
  recoverInterruptedRestore(dataDir);
  const dataExists = existsSync(ring) || existsSync(dbPath);
  if (!dataExists && options.create === false) {
    throw new AppError("NO_DATA", `There is no Loupe data in ${dataDir} yet; start the server once to create it.`);
  }
  if (options.create !== false) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  recoverMasterKeyRotation(options.masterKey, dataDir);
  const masterKey = resolveMasterKey(options.masterKey, dataExists);
  if (existsSync(ring)) {
    readKeyring(ring, masterKey.key); // Fails early, with the key ids, when the master key is wrong.
    recoverDataKeyRotation(dataDir, masterKey.key, busyTimeoutMs);
    return { keyring: readKeyring(ring, masterKey.key), masterKey };
  }
  if (existsSync(dbPath)) {
    throw new AppError(
      "KEYRING_MISSING",
      `The database ${dbPath} exists but its keyring ${ring} is missing; restore it from a backup.`,
    );
  }
  const keyring = newKeyring();
  writeKeyring(ring, keyring, masterKey.key);
  return { keyring, masterKey };
}

/** Opens the data directory and its encrypted database (see openKeyring). */
export function openStore(options: StoreOptions): Store {
  const { keyring, masterKey } = openKeyring(options);
  const db = openDatabase(databasePath(options.dataDir), databaseKeyText(keyring), {
    busyTimeoutMs: options.busyTimeoutMs ?? 5000,
  });
  return {
    db,
    keyring,
    masterKey,
    dataDir: options.dataDir,
    close() {
      if (!db.open) return;
      try {
        db.checkpoint();
      } finally {
        db.close();
      }
    },
  };
}
