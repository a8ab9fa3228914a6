/**
 * The backup worker: VACUUM INTO, integrity_check and the age stream are synchronous or CPU-bound, so
 * they run here, on a thread of their own with its own database connection, while the server's event
 * loop keeps answering. One message in (what to do), one message out (the result or the error).
 * A composition root like main.ts (its own part of src/): the drill's last step boots the real app on
 * the restored copy (boot-check.ts), which services may not import.
 */
import { AppError } from "../lib/app-error.ts";
import { checkArchive, createArchive } from "../services/backup/archive.ts";
import type { WorkerReply, WorkerRequest } from "../services/backup/run-in-worker.ts";
import { bootOnCopy } from "./boot-check.ts";

declare const self: Worker;

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  let reply: WorkerReply;
  try {
    const result =
      request.op === "create"
        ? await createArchive(request.input)
        : await checkArchive(request.input, { boot: bootOnCopy });
    reply = { ok: true, result };
  } catch (error) {
    reply = {
      ok: false,
      code: error instanceof AppError ? error.code : "BACKUP_FAILED",
      message: error instanceof Error ? error.message : String(error),
      errno:
        typeof (error as { code?: unknown } | null)?.code === "string" ? (error as { code: string }).code : undefined,
    };
  }
  // libsql frees a closed connection only when its statements are collected: collect before the
  // thread ends, or the file stays open (and a later offline rekey would find the database busy).
  Bun.gc(true);
  self.postMessage(reply);
};
