import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { AppError } from "../lib/app-error.ts";
import { decodeKey256, keyFingerprint, randomBytes } from "../lib/crypto.ts";
import { writeFileDurable } from "../lib/fs-atomic.ts";

/** Where the master key comes from (the config's view of it). */
export type MasterKeySource =
  | { kind: "env"; key: Buffer }
  | { kind: "file"; path: string }
  | { kind: "default"; path: string };

export type MasterKey = { key: Buffer; id: string; source: MasterKeySource; generated: boolean; description: string };

/** Reads a key file holding a base64 256-bit key. */
export function readKeyFile(path: string, variable: string): Buffer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new AppError("MASTER_KEY_MISSING", `${variable} points to ${path}, which cannot be read.`, { cause: error });
  }
  const key = decodeKey256(text);
  if (!key) {
    throw new AppError(
      "MASTER_KEY_INVALID",
      `${path} must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`).`,
    );
  }
  return key;
}

/** Creates a new random key file (mode 0600, directory 0700); fails if the file exists. */
export function generateKeyFile(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileDurable(path, key.toString("base64") + "\n", 0o600);
  return key;
}

/**
 * Resolves the master key. With no key configured, LOUPE_KEY_DIR/master.key is used, and generated
 * only when `dataExists` is false: a fresh install may make its own key, existing data never does.
 */
export function resolveMasterKey(source: MasterKeySource, dataExists: boolean): MasterKey {
  const done = (key: Buffer, generated: boolean, description: string): MasterKey => ({
    key,
    id: keyFingerprint(key),
    source,
    generated,
    description,
  });
  if (source.kind === "env") return done(source.key, false, "LOUPE_MASTER_KEY");
  if (source.kind === "file") return done(readKeyFile(source.path, "LOUPE_MASTER_KEY_FILE"), false, source.path);
  if (existsSync(source.path)) return done(readKeyFile(source.path, "LOUPE_KEY_DIR/master.key"), false, source.path);
  if (dataExists) {
    throw new AppError(
      "MASTER_KEY_MISSING",
      `Data exists but no master key is configured: set LOUPE_MASTER_KEY or LOUPE_MASTER_KEY_FILE (no key at ${source.path}).`,
    );
  }
  return done(generateKeyFile(source.path), true, source.path);
}
