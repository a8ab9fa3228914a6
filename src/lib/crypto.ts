import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes as nodeRandomBytes,
  timingSafeEqual,
} from "node:crypto";

/** Cryptographically secure random bytes from the OS CSPRNG. */
export function randomBytes(length: number): Buffer {
  return nodeRandomBytes(length);
}

/** A random identifier of `bytes` bytes (default 16 = 128 bits), base64url without padding. */
export function randomId(bytes = 16): string {
  return nodeRandomBytes(bytes).toString("base64url");
}

export function sha256(data: string | Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export function hmacSha256(key: Uint8Array, data: string | Uint8Array): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** Compares two secrets in constant time, whatever their lengths (both are hashed first). */
export function constantTimeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/** HKDF-SHA-256: a 32-byte subkey of `key` for one purpose, named by `info`. */
export function deriveKey(key: Uint8Array, info: string, salt: Uint8Array = new Uint8Array(0)): Buffer {
  return Buffer.from(hkdfSync("sha256", key, salt, info, 32));
}

const GCM_IV_BYTES = 12;
const GCM_TAG_BYTES = 16;

/** AES-256-GCM with a random 96-bit nonce; output is iv ‖ ciphertext ‖ tag. */
export function aesGcmEncrypt(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  const iv = nodeRandomBytes(GCM_IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** Opens what aesGcmEncrypt sealed; throws if the key, the AAD or any byte is wrong. */
export function aesGcmDecrypt(key: Uint8Array, sealed: Uint8Array, aad: string): Buffer {
  if (sealed.length < GCM_IV_BYTES + GCM_TAG_BYTES) throw new Error("sealed data too short");
  const buf = Buffer.from(sealed);
  const iv = buf.subarray(0, GCM_IV_BYTES);
  const tag = buf.subarray(buf.length - GCM_TAG_BYTES);
  const body = buf.subarray(GCM_IV_BYTES, buf.length - GCM_TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** Parses a 256-bit key written as base64 or base64url (surrounding white space ignored). */
export function decodeKey256(value: string): Buffer | undefined {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]{43}=?$|^[A-Za-z0-9_-]{43}$/.test(text)) return undefined;
  const key = Buffer.from(text, /[-_]/.test(text) ? "base64url" : "base64");
  return key.length === 32 ? key : undefined;
}

/** A short public fingerprint of a key, so people can tell keys apart without seeing them. */
export function keyFingerprint(key: Uint8Array): string {
  return hmacSha256(key, "loupe key fingerprint v1").subarray(0, 6).toString("hex");
}
