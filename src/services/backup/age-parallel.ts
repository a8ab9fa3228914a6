/**
 * A standard age file written with its payload sealed on several threads. age-encryption writes the
 * header (the recipients' X25519 stanzas and the header MAC) and picks the file key; its own payload
 * encryption runs on one thread at JavaScript ChaCha20's ~100 MB/s, which made a 1 GB backup take
 * 2.3× `VACUUM INTO` + Debian's `age`. The chunks are independent (age's STREAM construction), so
 * here they are sealed in batches on a worker per core and written in order.
 */
import { hkdfSync } from "node:crypto";
import { availableParallelism } from "node:os";
import { chacha20poly1305 } from "@noble/ciphers/chacha.js";
import { Encrypter } from "age-encryption";
import { AGE_CHUNK, AGE_TAG, type AgeBatch, type AgeBatchReply, chunkNonce } from "./age-stream.ts";

/** Chunks per message to a worker: 1 MiB, so messaging costs nothing beside the cipher. */
const BATCH_CHUNKS = 16;
const BATCH_BYTES = BATCH_CHUNKS * AGE_CHUNK;

const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./workers/age-chunks.ts"
  : new URL("../../workers/age-chunks.ts", import.meta.url).href;

/**
 * The file's first bytes (header and payload nonce) and its payload key. age-encryption encrypts an
 * empty payload to the recipients; one more recipient, which adds no stanza, keeps the file key it
 * is handed (the library's Recipient interface) so that the payload key can be derived here:
 * HKDF-SHA-256(file key, salt = payload nonce, info = "payload").
 */
export async function ageHeader(recipients: string[]): Promise<{ prefix: Uint8Array; payloadKey: Uint8Array }> {
  let fileKey: Uint8Array | undefined;
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  encrypter.addRecipient({
    wrapFileKey(key: Uint8Array) {
      fileKey = Uint8Array.from(key);
      return [];
    },
  });
  // header || 16-byte payload nonce || the tag of the one (empty, last) chunk of an empty payload
  const empty = await encrypter.encrypt(new Uint8Array(0));
  if (!fileKey) throw new Error("age-encryption did not hand out the file key");
  const prefix = empty.slice(0, empty.length - AGE_TAG);
  const nonce = prefix.subarray(prefix.length - 16);
  const payloadKey = new Uint8Array(hkdfSync("sha256", fileKey, nonce, "payload", 32));
  fileKey.fill(0);
  // The key derived here must open the library's own empty chunk, or the file would not decrypt.
  chacha20poly1305(payloadKey, chunkNonce(0, true)).decrypt(empty.subarray(empty.length - AGE_TAG));
  return { prefix, payloadKey };
}

type Pending = { resolve: (data: Uint8Array) => void; reject: (error: Error) => void };

/** One chunk worker with the replies it still owes, in order (a worker answers its messages in order). */
function chunkWorker() {
  const worker = new Worker(WORKER_URL);
  const owed: Pending[] = [];
  let failed: Error | undefined;
  const failAll = (error: Error) => {
    failed = error;
    for (const pending of owed.splice(0)) pending.reject(error);
  };
  worker.onmessage = (event: MessageEvent<AgeBatchReply>) => {
    const reply = event.data;
    const pending = owed.shift();
    if (!pending) return;
    if (reply.ok) pending.resolve(new Uint8Array(reply.data));
    else failAll(new Error(`The encryption worker failed: ${reply.message}`));
  };
  worker.onerror = (event) => failAll(new Error(`The encryption worker failed: ${event.message}`));
  return {
    seal(batch: AgeBatch): Promise<Uint8Array> {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        owed.push({ resolve, reject });
        worker.postMessage(batch, [batch.data]);
      });
    },
    end: () => worker.terminate(),
  };
}

/** How many chunk workers: one per core, at least one and at most four. */
export function ageWorkerCount(): number {
  return Math.min(4, Math.max(1, availableParallelism()));
}

/**
 * The age file of `plaintext` to `recipients`, as a stream of its bytes: header, then the sealed
 * batches in order. At most two batches per worker are in flight, so memory stays flat.
 */
export async function* encryptAge(
  recipients: string[],
  plaintext: AsyncIterable<Uint8Array>,
  options: { workers?: number } = {},
): AsyncGenerator<Uint8Array> {
  const { prefix, payloadKey } = await ageHeader(recipients);
  yield prefix;
  const workers = Array.from({ length: options.workers ?? ageWorkerCount() }, chunkWorker);
  const inFlight: Promise<Uint8Array>[] = [];
  let batches = 0;
  let firstChunk = 0;
  let buffer = new Uint8Array(BATCH_BYTES);
  let used = 0;
  const send = (last: boolean) => {
    const data = used === buffer.length ? buffer.buffer : buffer.slice(0, used).buffer;
    const worker = workers[batches++ % workers.length]!;
    const sealed = worker.seal({ key: payloadKey, firstChunk, last, data });
    sealed.catch(() => {}); // awaited in order below; a failure surfaces there, not as an unhandled rejection
    inFlight.push(sealed);
    firstChunk += BATCH_CHUNKS;
    buffer = new Uint8Array(BATCH_BYTES);
    used = 0;
  };
  try {
    for await (let piece of plaintext) {
      while (piece.length > 0) {
        // A full batch goes out only once more bytes follow it: the payload's last chunk is flagged.
        if (used === buffer.length) {
          send(false);
          if (inFlight.length >= 2 * workers.length) yield await inFlight.shift()!;
        }
        const n = Math.min(buffer.length - used, piece.length);
        buffer.set(piece.subarray(0, n), used);
        used += n;
        piece = piece.subarray(n);
      }
    }
    send(true);
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    // Settle what is still owed (a failure or an early return) before the workers go.
    await Promise.allSettled(inFlight);
    for (const worker of workers) worker.end();
    payloadKey.fill(0);
  }
}
