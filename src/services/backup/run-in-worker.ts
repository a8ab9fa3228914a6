import { AppError } from "../../lib/app-error.ts";
import { ERROR_CODES, type ErrorCode } from "../../shared/errors.ts";
import type { CheckArchiveInput, CheckArchiveResult, CreateArchiveInput, CreateArchiveResult } from "./archive.ts";

export type WorkerRequest = { op: "create"; input: CreateArchiveInput } | { op: "check"; input: CheckArchiveInput };
export type WorkerReply =
  | { ok: true; result: CreateArchiveResult | CheckArchiveResult }
  | { ok: false; code: string; message: string; errno: string | undefined };

/**
 * Where the worker's module is: src/workers/backup.ts, or — in the single binary, where scripts/build.ts
 * embeds it as an entrypoint of its own — at its path under src/ in the binary's file system.
 */
const WORKER_URL = import.meta.url.includes("/$bunfs/")
  ? "./workers/backup.ts"
  : new URL("../../workers/backup.ts", import.meta.url).href;

/** Runs one backup step in a fresh Worker and ends it; a failure comes back as the step's AppError. */
function run(request: WorkerRequest): Promise<CreateArchiveResult | CheckArchiveResult> {
  const worker = new Worker(WORKER_URL);
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const reply = event.data;
      worker.terminate();
      if (reply.ok) resolve(reply.result);
      else if (reply.errno === "ENOSPC" || reply.errno === "SQLITE_FULL")
        reject(new AppError("BACKUP_NO_SPACE", `The disk filled up during the backup: ${reply.message}`));
      else reject(new AppError(reply.code in ERROR_CODES ? (reply.code as ErrorCode) : "BACKUP_FAILED", reply.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new AppError("BACKUP_FAILED", `The backup worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}

export const createInWorker = (input: CreateArchiveInput) =>
  run({ op: "create", input }) as Promise<CreateArchiveResult>;
export const checkInWorker = (input: CheckArchiveInput) => run({ op: "check", input }) as Promise<CheckArchiveResult>;
