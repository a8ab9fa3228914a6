import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { AppError } from "../../lib/app-error.ts";
import { writeFileDurable } from "../../lib/fs-atomic.ts";
import { BACKUP_IDENTITY_FILE } from "./format.ts";

/**
 * Loupe's own backup identity: an X25519 age identity in LOUPE_KEY_DIR (never in the data directory),
 * generated at first use, in the file format Debian's `age -d -i FILE` reads. Drills and restores
 * decrypt with it; operators add their own recipients (LOUPE_BACKUP_RECIPIENTS) to decrypt offline.
 */
export type BackupIdentity = { identity: string; recipient: string; path: string };

export function backupIdentityPath(keyDir: string): string {
  return join(keyDir, BACKUP_IDENTITY_FILE);
}

/** Reads the identity file: the one AGE-SECRET-KEY-1 line (comments ignored). */
export async function readBackupIdentity(keyDir: string): Promise<BackupIdentity> {
  const path = backupIdentityPath(keyDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AppError(
      "BACKUP_IDENTITY_MISSING",
      `The backup identity ${path} is missing; copy it back from where you keep it (it decrypts every backup).`,
      { cause: error },
    );
  }
  const identity = text.split(/\r?\n/).find((line) => line.startsWith("AGE-SECRET-KEY-1"));
  if (!identity) throw new AppError("BACKUP_IDENTITY_INVALID", `${path} holds no AGE-SECRET-KEY-1 line.`);
  return { identity: identity.trim(), recipient: await identityToRecipient(identity.trim()), path };
}

/** The identity, generated (0600, directory 0700) when the key directory has none yet. */
export async function ensureBackupIdentity(keyDir: string, now: number): Promise<BackupIdentity> {
  const path = backupIdentityPath(keyDir);
  if (!existsSync(path)) {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 });
    const identity = await generateX25519Identity();
    const recipient = await identityToRecipient(identity);
    try {
      writeFileDurable(
        path,
        `# Loupe backup identity, created ${new Date(now).toISOString()}: decrypts every Loupe backup.\n# Keep a copy off this machine. public key: ${recipient}\n${identity}\n`,
        0o600,
      );
    } catch (error) {
      // Another process generated it meanwhile: theirs counts.
      if ((error as { code?: string }).code !== "EEXIST") throw error;
    }
  }
  return readBackupIdentity(keyDir);
}

/** An age X25519 recipient (`age1` and 58 bech32 characters). */
export const AGE_RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;
