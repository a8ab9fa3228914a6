/**
 * A worker of the backup's age encryption (src/services/backup/age-parallel.ts): seals or opens
 * batches of 64 KiB STREAM chunks with ChaCha20-Poly1305 (libsodium's WebAssembly, about 280 MB/s on
 * one core; Bun has no native ChaCha20), so the backup spreads the chunks over a worker per core.
 */
import {
  type AgeBatch,
  type AgeBatchReply,
  ageCipherReady,
  openBatch,
  sealBatch,
} from "../services/backup/age-stream.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<AgeBatch>) => {
  let reply: AgeBatchReply;
  try {
    // Messages wait for the cipher's module in the order they came (promise reactions run in order).
    await ageCipherReady;
    const out = event.data.op === "seal" ? sealBatch(event.data) : openBatch(event.data);
    reply = { ok: true, data: out.buffer as ArrayBuffer };
    self.postMessage(reply, [reply.data]);
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
    self.postMessage(reply);
  }
};
