import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../lib/app-error.ts";
import { aesGcmDecrypt, aesGcmEncrypt, deriveKey, keyFingerprint, randomBytes } from "../lib/crypto.ts";
import { writeFileAtomic } from "../lib/fs-atomic.ts";

/**
 * Envelope encryption. The master key (key-encryption key) never encrypts data: a KEK derived from it
 * by HKDF wraps (AES-256-GCM) this keyring of random data keys, stored in the data directory.
 * Rotating the master key re-wraps the keyring; no data is re-encrypted.
 */
export type Keyring = Readonly<{
  /** The SQLite cipher key of the database file, its WAL and snapshots. */
  database: Buffer;
  /** AES-256-GCM key for encrypted fields (TOTP secrets and the like). */
  field: Buffer;
  /** HS256 key that signs session tokens. */
  session: Buffer;
  /** HMAC key of the audit chain. */
  audit: Buffer;
}>;

const KEY_NAMES = ["database", "field", "session", "audit"] as const;
const FORMAT = "loupe-keyring";
const AAD = "loupe-keyring-v1";

export const KEYRING_FILE = "keyring.json";
export const PENDING_KEYRING_FILE = "keyring.pending.json";

type KeyringFile = { format: string; version: 1; masterKeyId: string; salt: string; sealed: string };

export function newKeyring(): Keyring {
  return Object.freeze({
    database: randomBytes(32),
    field: randomBytes(32),
    session: randomBytes(32),
    audit: randomBytes(32),
  });
}

/** The string handed to the SQLite cipher. */
export function databaseKeyText(keyring: Keyring): string {
  return keyring.database.toString("hex");
}

export function sealKeyring(keyring: Keyring, masterKey: Buffer): string {
  const salt = randomBytes(32);
  const kek = deriveKey(masterKey, "loupe keyring kek v1", salt);
  const plain = Buffer.from(
    JSON.stringify(Object.fromEntries(KEY_NAMES.map((k) => [k, keyring[k].toString("base64")]))),
  );
  const file: KeyringFile = {
    format: FORMAT,
    version: 1,
    masterKeyId: keyFingerprint(masterKey),
    salt: salt.toString("base64"),
    sealed: aesGcmEncrypt(kek, plain, AAD).toString("base64"),
  };
  return JSON.stringify(file, null, 2) + "\n";
}

function parseKeyringFile(path: string): KeyringFile {
  let file: KeyringFile;
  try {
    file = JSON.parse(readFileSync(path, "utf8")) as KeyringFile;
  } catch (error) {
    throw new AppError("KEYRING_UNREADABLE", `The keyring ${path} cannot be read.`, { cause: error });
  }
  if (
    file?.format !== FORMAT ||
    file.version !== 1 ||
    typeof file.salt !== "string" ||
    typeof file.sealed !== "string"
  ) {
    throw new AppError("KEYRING_UNREADABLE", `The keyring ${path} is not a Loupe keyring.`);
  }
  return file;
}

/** Unwraps the keyring at `path`; a wrong master key gives MASTER_KEY_MISMATCH. */
export function readKeyring(path: string, masterKey: Buffer): Keyring {
  const file = parseKeyringFile(path);
  let plain: Buffer;
  try {
    const kek = deriveKey(masterKey, "loupe keyring kek v1", Buffer.from(file.salt, "base64"));
    plain = aesGcmDecrypt(kek, Buffer.from(file.sealed, "base64"), AAD);
  } catch (error) {
    throw new AppError(
      "MASTER_KEY_MISMATCH",
      `The master key (id ${keyFingerprint(masterKey)}) does not open the keyring ${path}, which needs the key with id ${file.masterKeyId}.`,
      { cause: error },
    );
  }
  const keys = JSON.parse(plain.toString("utf8")) as Record<string, string>;
  return Object.freeze(
    Object.fromEntries(KEY_NAMES.map((k) => [k, Buffer.from(keys[k] ?? "", "base64")])) as Record<
      (typeof KEY_NAMES)[number],
      Buffer
    >,
  );
}

/** Writes the keyring wrapped by `masterKey`, atomically (temp file, fsync, rename). */
export function writeKeyring(path: string, keyring: Keyring, masterKey: Buffer): void {
  writeFileAtomic(path, sealKeyring(keyring, masterKey));
}

export function keyringPath(dataDir: string): string {
  return join(dataDir, KEYRING_FILE);
}

export function keyringExists(dataDir: string): boolean {
  return existsSync(keyringPath(dataDir));
}
