import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { aesGcmDecrypt, aesGcmEncrypt, deriveKey, keyFingerprint, randomBytes } from "../lib/crypto.ts";
import { writeFileAtomic } from "../lib/fs-atomic.ts";

/**
 * Retired master keys, so that backups outlive `loupe key rotate`: a backup's keyring is wrapped by
 * the master key of its day. At each rotation every earlier key is sealed (AES-256-GCM under a KEK
 * derived from the new key) into `retired-master-keys.<new key id>.json` in LOUPE_KEY_DIR — never the
 * data directory, and never overwritten, so a crash mid-rotation loses nothing. Whoever holds the
 * current master key (and the key directory) can open every retained backup; nobody else can.
 */
const FORMAT = "loupe-retired-master-keys";
const AAD = "loupe-retired-master-keys-v1";
const NAME = /^retired-master-keys\.[0-9a-f]{12}\.json$/;

type RetiredFile = { format: string; version: 1; masterKeyId: string; salt: string; sealed: string };

function files(keyDir: string): RetiredFile[] {
  let names: string[];
  try {
    names = readdirSync(keyDir).filter((n) => NAME.test(n));
  } catch {
    return [];
  }
  const out: RetiredFile[] = [];
  for (const name of names) {
    try {
      const file = JSON.parse(readFileSync(join(keyDir, name), "utf8")) as RetiredFile;
      if (file.format === FORMAT && typeof file.salt === "string" && typeof file.sealed === "string") out.push(file);
    } catch {
      // An unreadable file opens nothing.
    }
  }
  return out;
}

function open(file: RetiredFile, key: Buffer): Buffer[] | undefined {
  try {
    const kek = deriveKey(key, "loupe retired keys kek v1", Buffer.from(file.salt, "base64"));
    const plain = aesGcmDecrypt(kek, Buffer.from(file.sealed, "base64"), AAD);
    return (JSON.parse(plain.toString("utf8")) as string[]).map((k) => Buffer.from(k, "base64"));
  } catch {
    return undefined;
  }
}

/** Every master key `current` leads to: itself first, then the retired keys it (transitively) opens. */
export function knownMasterKeys(keyDir: string, current: Buffer): Buffer[] {
  const all = files(keyDir);
  const keys = [current];
  const seen = new Set([keyFingerprint(current)]);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    for (const file of all) {
      if (file.masterKeyId !== keyFingerprint(key)) continue;
      for (const retired of open(file, key) ?? []) {
        const id = keyFingerprint(retired);
        if (!seen.has(id)) {
          seen.add(id);
          keys.push(retired);
        }
      }
    }
  }
  return keys;
}

/** Seals `oldKey` and every key it leads to under `newKey` (called before the keyring is re-wrapped). */
export function recordRetiredMasterKey(keyDir: string, oldKey: Buffer, newKey: Buffer): void {
  const keys = knownMasterKeys(keyDir, oldKey);
  const salt = randomBytes(32);
  const kek = deriveKey(newKey, "loupe retired keys kek v1", salt);
  const plain = Buffer.from(JSON.stringify(keys.map((k) => k.toString("base64"))));
  const file: RetiredFile = {
    format: FORMAT,
    version: 1,
    masterKeyId: keyFingerprint(newKey),
    salt: salt.toString("base64"),
    sealed: aesGcmEncrypt(kek, plain, AAD).toString("base64"),
  };
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(join(keyDir, `retired-master-keys.${keyFingerprint(newKey)}.json`), JSON.stringify(file) + "\n");
}
