import { existsSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { AppError } from "../lib/app-error.ts";
import { keyFingerprint, randomBytes } from "../lib/crypto.ts";
import { renameDurable } from "../lib/fs-atomic.ts";
import { openDatabase } from "./database.ts";
import { databaseKeyText, type Keyring, keyringPath, PENDING_KEYRING_FILE, writeKeyring } from "./keyring.ts";
import { acquireLock } from "./lock.ts";
import { generateKeyFile, type MasterKeySource, readKeyFile } from "./master-key.ts";
import { recordRetiredMasterKey } from "./retired-keys.ts";
import { databasePath, NEXT_KEY_SUFFIX, openKeyring, PRE_REKEY_COPY } from "./store.ts";

/** Called between the durable steps of a rotation; tests throw from it to simulate a crash. */
export type StepHook = (step: string) => void;

export type RotationResult = { oldKeyId: string; newKeyId: string; keyLocation: string; message: string };

/**
 * Replaces the master key by re-wrapping the keyring (no data is re-encrypted, so it is instant).
 * With the generated key file, the new key is written beside it first and swapped in after the
 * keyring: a crash at any point leaves a keyring that one of the two files opens, and the next start
 * finishes or undoes the swap. With an operator-supplied key, the new key goes to `newKeyFile`.
 */
export function rotateMasterKey(
  options: {
    dataDir: string;
    masterKey: MasterKeySource;
    newKeyFile?: string;
    busyTimeoutMs?: number;
    keyDir?: string;
  },
  onStep: StepHook = () => {},
): RotationResult {
  const { keyring, masterKey } = openKeyring({ ...options, create: false });
  // The old key goes into the key directory's retired keys first, so older backups still restore.
  const keyDir = options.keyDir ?? (options.masterKey.kind === "default" ? dirname(options.masterKey.path) : undefined);
  const retire = (newKey: Buffer) => {
    if (keyDir !== undefined) recordRetiredMasterKey(keyDir, masterKey.key, newKey);
  };
  const ring = keyringPath(options.dataDir);
  const oldKeyId = masterKey.id;

  if (options.masterKey.kind === "default" && options.newKeyFile === undefined) {
    const keyPath = options.masterKey.path;
    const next = keyPath + NEXT_KEY_SUFFIX;
    rmSync(next, { force: true });
    const newKey = generateKeyFile(next);
    retire(newKey);
    onStep("new-key-written");
    writeKeyring(ring, keyring, newKey);
    onStep("keyring-rewrapped");
    renameDurable(next, keyPath);
    onStep("key-file-replaced");
    const newKeyId = keyFingerprint(newKey);
    return {
      oldKeyId,
      newKeyId,
      keyLocation: keyPath,
      message: `The data now opens with the master key in ${keyPath} (id ${newKeyId}); the previous key (id ${oldKeyId}) no longer opens it.`,
    };
  }

  if (options.newKeyFile === undefined) {
    throw new AppError(
      "NEW_KEY_FILE_REQUIRED",
      "The master key comes from LOUPE_MASTER_KEY or LOUPE_MASTER_KEY_FILE: give --new-key-file PATH (an existing key file, or a path where a new key is generated).",
    );
  }
  const newKey = existsSync(options.newKeyFile)
    ? readKeyFile(options.newKeyFile, "--new-key-file")
    : generateKeyFile(options.newKeyFile);
  retire(newKey);
  onStep("new-key-written");
  writeKeyring(ring, keyring, newKey);
  onStep("keyring-rewrapped");
  const newKeyId = keyFingerprint(newKey);
  return {
    oldKeyId,
    newKeyId,
    keyLocation: options.newKeyFile,
    message:
      `The data now opens only with the new master key in ${options.newKeyFile} (id ${newKeyId}); the previous key (id ${oldKeyId}) no longer opens it. ` +
      `Set LOUPE_MASTER_KEY_FILE=${options.newKeyFile} (or LOUPE_MASTER_KEY to its content) before the next start.`,
  };
}

/**
 * Replaces the database key with PRAGMA rekey. Offline only: SQLite3 Multiple Ciphers refuses to
 * rekey in WAL mode, so the database goes to journal_mode=DELETE for the rekey and back to WAL.
 * Steps: lock → copy (VACUUM INTO, current key) → pending keyring → rekey → promote keyring → drop
 * copy. A crash midway is repaired at the next start (see recoverDataKeyRotation in store.ts).
 */
export function rotateDataKey(
  options: { dataDir: string; masterKey: MasterKeySource; busyTimeoutMs?: number },
  onStep: StepHook = () => {},
): RotationResult {
  const release = acquireLock(options.dataDir, "key rotate --data-key");
  try {
    const { keyring, masterKey } = openKeyring({ ...options, create: false });
    const copy = join(options.dataDir, PRE_REKEY_COPY);
    const copyTmp = copy + ".tmp";
    // One connection for the whole rotation: libsql keeps a closed connection alive until its
    // statements are garbage-collected, and a second one could not leave WAL mode meanwhile.
    const db = openDatabase(databasePath(options.dataDir), databaseKeyText(keyring), options);
    let next: Keyring;
    const pendingPath = join(options.dataDir, PENDING_KEYRING_FILE);
    try {
      db.checkpoint();
      rmSync(copyTmp, { force: true });
      db.exec(`VACUUM INTO '${copyTmp.replaceAll("'", "''")}'`);
      renameDurable(copyTmp, copy);
      onStep("copy-taken");

      next = Object.freeze({ ...keyring, database: randomBytes(32) });
      writeKeyring(pendingPath, next, masterKey.key);
      onStep("pending-keyring-written");

      if (db.pragma("journal_mode = DELETE") !== "delete") {
        throw new AppError(
          "DATA_KEY_ROTATION_FAILED",
          "The database could not leave WAL mode; is another process using it?",
        );
      }
      db.pragma(`rekey = '${databaseKeyText(next)}'`);
      db.pragma("journal_mode = WAL");
    } finally {
      db.close();
    }
    onStep("rekeyed");

    renameDurable(pendingPath, keyringPath(options.dataDir));
    onStep("keyring-promoted");

    const check = openDatabase(databasePath(options.dataDir), databaseKeyText(next), options);
    const ok = check.pragma("integrity_check") === "ok";
    check.close();
    if (!ok)
      throw new AppError(
        "DATA_KEY_ROTATION_FAILED",
        `Integrity check failed after the rekey; the copy ${copy} is kept.`,
      );
    rmSync(copy, { force: true });
    return {
      oldKeyId: keyFingerprint(keyring.database),
      newKeyId: keyFingerprint(next.database),
      keyLocation: keyringPath(options.dataDir),
      message:
        "The database is re-encrypted with a new data key, stored in the keyring wrapped by the same master key. " +
        "If this had been interrupted, the next start would finish it or put back the copy taken first.",
    };
  } finally {
    release();
  }
}
