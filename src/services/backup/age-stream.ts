/**
 * age's payload format (age-encryption.org/v1, "Payload"): the plaintext in 64 KiB chunks, each
 * sealed with ChaCha20-Poly1305 under the payload key; the nonce is an 11-byte big-endian chunk
 * counter and a last-chunk flag byte. Pure functions shared by the backup and its chunk workers.
 */
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";

export const AGE_CHUNK = 64 * 1024;
export const AGE_TAG = 16;

/** The nonce of chunk `index`: counter (11 bytes, big-endian) || 0x01 on the last chunk. */
export function chunkNonce(index: number, last: boolean): Uint8Array {
  const nonce = new Uint8Array(12);
  let rest = index;
  for (let i = 10; i >= 0 && rest > 0; i--) {
    nonce[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  nonce[11] = last ? 1 : 0;
  return nonce;
}

/** A run of consecutive chunks: whole 64 KiB chunks, except that the batch ending the payload may end short. */
export type AgeBatch = { key: Uint8Array; firstChunk: number; last: boolean; data: ArrayBuffer };
export type AgeBatchReply = { ok: true; data: ArrayBuffer } | { ok: false; message: string };

/** Seals a batch's chunks in order; an empty final batch is the one empty chunk of an empty payload. */
export function sealBatch(batch: AgeBatch): Uint8Array {
  const plain = new Uint8Array(batch.data);
  if (!batch.last && plain.length % AGE_CHUNK !== 0) throw new Error("a batch before the last holds whole chunks only");
  const chunks = Math.max(1, Math.ceil(plain.length / AGE_CHUNK));
  const sealed = new Uint8Array(plain.length + chunks * AGE_TAG);
  let at = 0;
  for (let i = 0; i < chunks; i++) {
    const piece = plain.subarray(i * AGE_CHUNK, Math.min((i + 1) * AGE_CHUNK, plain.length));
    const out = chacha20poly1305(batch.key, chunkNonce(batch.firstChunk + i, batch.last && i === chunks - 1)).encrypt(
      piece,
    );
    sealed.set(out, at);
    at += out.length;
  }
  return sealed;
}
