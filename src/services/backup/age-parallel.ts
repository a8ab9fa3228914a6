/**
 * Standard age files, their payload sealed and opened on several threads. age-encryption writes the
 * header (the recipients' X25519 stanzas and the header MAC) and picks the file key; its own payload
 * encryption runs on one thread at JavaScript ChaCha20-Poly1305's ~110 MB/s, which made a 1 GB backup
 * take 2.3× `VACUUM INTO` + Debian's `age`. The chunks are independent (age's STREAM construction), so
 * here they are sealed in batches on a worker per core with libsodium's WebAssembly cipher
 * (age-stream.ts) and written in order (and opened the same way for the restore drill).
 */
import { hkdfSync } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Decrypter, Encrypter } from "age-encryption";
import {
  AGE_CHUNK,
  AGE_TAG,
  type AgeBatch,
  type AgeBatchReply,
  ageCipherReady,
  agePlaintextSize,
  chunkNonce,
  openBatch,
  openChunk,
  sealBatch,
} from "./age-stream.ts";

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
  await ageCipherReady;
  openChunk(payloadKey, chunkNonce(0, true), empty.subarray(empty.length - AGE_TAG));
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
    if (reply.ok) owed.shift()?.resolve(new Uint8Array(reply.data));
    else failAll(new Error(reply.message)); // this batch's promise and every later one
  };
  worker.onerror = (event) => failAll(new Error(`the chunk worker failed: ${event.message}`));
  return {
    run(batch: AgeBatch): Promise<Uint8Array> {
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
 * Small files do not need threads: the first batches (4 MiB) are done here, and workers start only
 * for a file larger than that (starting them costs more than sealing a few MiB).
 */
const INLINE_BATCHES = 4;

/**
 * Runs batches on the workers and yields their results in order; at most two batches per worker are
 * in flight, so memory stays flat whatever the file's size.
 */
async function* inOrder(
  op: AgeBatch["op"],
  key: Uint8Array,
  batches: AsyncIterable<{ data: ArrayBuffer; last: boolean }>,
  workerCount: number,
): AsyncGenerator<Uint8Array> {
  let workers: ReturnType<typeof chunkWorker>[] | undefined;
  const inFlight: Promise<Uint8Array>[] = [];
  let sent = 0;
  try {
    for await (const { data, last } of batches) {
      const batch: AgeBatch = { op, key, firstChunk: sent * BATCH_CHUNKS, last, data };
      sent++;
      if (!workers && sent <= INLINE_BATCHES) {
        yield op === "seal" ? sealBatch(batch) : openBatch(batch);
        continue;
      }
      workers ??= Array.from({ length: workerCount }, chunkWorker);
      const result = workers[sent % workers.length]!.run(batch);
      result.catch(() => {}); // awaited in order below; a failure surfaces there, not as an unhandled rejection
      inFlight.push(result);
      if (inFlight.length >= 2 * workers.length) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    // Settle what is still owed (a failure or an early return) before the workers go.
    await Promise.allSettled(inFlight);
    for (const worker of workers ?? []) worker.end();
    key.fill(0);
  }
}

/** The plaintext in whole batches; a full batch goes out only once more bytes follow (the last chunk is flagged). */
async function* plaintextBatches(
  plaintext: AsyncIterable<Uint8Array>,
): AsyncGenerator<{ data: ArrayBuffer; last: boolean }> {
  let buffer = new Uint8Array(BATCH_BYTES);
  let used = 0;
  for await (let piece of plaintext) {
    while (piece.length > 0) {
      if (used === buffer.length) {
        yield { data: buffer.buffer, last: false };
        buffer = new Uint8Array(BATCH_BYTES);
        used = 0;
      }
      const n = Math.min(buffer.length - used, piece.length);
      buffer.set(piece.subarray(0, n), used);
      used += n;
      piece = piece.subarray(n);
    }
  }
  yield { data: buffer.slice(0, used).buffer, last: true };
}

/** The age file of `plaintext` to `recipients`, as a stream of its bytes: header, then the sealed batches in order. */
export async function* encryptAge(
  recipients: string[],
  plaintext: AsyncIterable<Uint8Array>,
  options: { workers?: number } = {},
): AsyncGenerator<Uint8Array> {
  const { prefix, payloadKey } = await ageHeader(recipients);
  yield prefix;
  yield* inOrder("seal", payloadKey, plaintextBatches(plaintext), options.workers ?? ageWorkerCount());
}

/** Where an age header ends: after the line that starts with "--- " (the MAC); the first MiB at most. */
function readHeader(fd: number): Uint8Array {
  const head = Buffer.alloc(1 << 20);
  const n = readSync(fd, head, 0, head.length, 0);
  const mac = head.subarray(0, n).indexOf("\n--- ");
  const end = mac < 0 ? -1 : head.indexOf(0x0a, mac + 1);
  if (end < 0) throw new Error("no age header");
  return head.subarray(0, end + 1);
}

/**
 * Opens an age file on disk with the first identity that matches: the header (stanzas and MAC) by
 * age-encryption's `decryptHeader`, the payload in batches on the chunk workers. Every chunk is
 * authenticated before its bytes are handed on, and the last one must carry the last-chunk flag, so a
 * flipped byte or a cut-off file fails as it is read.
 */
export async function decryptAgeFile(
  path: string,
  identities: string[],
  options: { workers?: number } = {},
): Promise<{ plaintext: AsyncGenerator<Uint8Array>; plaintextBytes: number }> {
  let header: Uint8Array;
  let size: number;
  const nonce = Buffer.alloc(16);
  const fd = openSync(path, "r");
  try {
    size = fstatSync(fd).size;
    header = readHeader(fd);
    if (readSync(fd, nonce, 0, 16, header.length) !== 16) throw new Error("the file ends inside its header");
  } finally {
    closeSync(fd);
  }
  const decrypter = new Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  const fileKey = await decrypter.decryptHeader(header);
  await ageCipherReady;
  const payloadKey = new Uint8Array(hkdfSync("sha256", fileKey, nonce, "payload", 32));
  fileKey.fill(0);
  const start = header.length + 16;
  const plaintextBytes = agePlaintextSize(size - start);
  const sealedBatch = BATCH_CHUNKS * (AGE_CHUNK + AGE_TAG);
  // The payload's own descriptor, opened once the plaintext is read (and closed however that ends).
  async function* batches(): AsyncGenerator<{ data: ArrayBuffer; last: boolean }> {
    const payload = openSync(path, "r");
    try {
      for (let at = start; at < size; at += sealedBatch) {
        const data = new Uint8Array(Math.min(sealedBatch, size - at));
        if (readSync(payload, data, 0, data.length, at) !== data.length)
          throw new Error("the file changed while it was read");
        yield { data: data.buffer, last: at + data.length === size };
      }
    } finally {
      closeSync(payload);
    }
  }
  return { plaintext: inOrder("open", payloadKey, batches(), options.workers ?? ageWorkerCount()), plaintextBytes };
}
