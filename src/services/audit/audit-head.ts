import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constantTimeEqual, hmacSha256 } from "../../lib/crypto.ts";
import { writeFileAtomic } from "../../lib/fs-atomic.ts";
import { errorFields, type Logger } from "../../lib/logger.ts";

/**
 * The audit chain's head (sequence number + MAC, itself MACed) kept outside the table, in
 * `audit-head.json` beside the keyring, so deleting the newest rows is detected too. Replacing the
 * file costs three fsyncs, so it is not written in each commit: the anchor writes it off the request
 * path, coalesced at most once per AUDIT_HEAD_INTERVAL_MS, and on flush (graceful stop, the daily
 * `audit.head` log line, verification). Deleting entries newer than the last anchored head is
 * detectable only through the logged head: that is the window.
 */
export const AUDIT_HEAD_FILE = "audit-head.json";
export const AUDIT_HEAD_INTERVAL_MS = 1000;

export type HeadFile = { seq: number; mac: string; tag: string };

/** Runs `run` once after `delayMs`; returns a cancel function. main.ts gives setTimeout; tests drive a fake. */
export type Scheduler = (run: () => void, delayMs: number) => () => void;

export type AuditHeadAnchor = {
  /** A transaction committed entries up to `seq` (MAC `mac`): anchor it within the interval. */
  committed(seq: number, mac: string): void;
  /** Writes the pending head now, if there is one. */
  flush(): void;
  /** Cancels the scheduled write and flushes; later commits are anchored at once (graceful stop). */
  close(): void;
};

export function headTag(key: Uint8Array, seq: number, mac: string): string {
  return hmacSha256(key, JSON.stringify(["head", seq, mac])).toString("hex");
}

export function headPath(dataDir: string): string {
  return join(dataDir, AUDIT_HEAD_FILE);
}

/** The head file as written (unchecked), undefined when missing, "unreadable" when it is not JSON. */
export function readHeadFile(dataDir: string): Partial<HeadFile> | undefined | "unreadable" {
  let text: string;
  try {
    text = readFileSync(headPath(dataDir), "utf8");
  } catch {
    return undefined;
  }
  try {
    const head = JSON.parse(text) as unknown;
    return head && typeof head === "object" ? (head as Partial<HeadFile>) : "unreadable";
  } catch {
    return "unreadable";
  }
}

/** True when `head` carries a valid tag under `key`. */
export function isAuthenticHead(key: Uint8Array, head: Partial<HeadFile>): head is HeadFile {
  return (
    typeof head.seq === "number" &&
    typeof head.mac === "string" &&
    typeof head.tag === "string" &&
    constantTimeEqual(head.tag, headTag(key, head.seq, head.mac))
  );
}

/**
 * The anchor of one data directory. `schedule: "each-commit"` writes at every commit (one-shot CLI
 * commands, which exit right after); otherwise writes are coalesced through the given scheduler.
 */
export function createAuditHeadAnchor(options: {
  dataDir: string;
  key: Uint8Array;
  logger: Logger;
  schedule: Scheduler | "each-commit";
}): AuditHeadAnchor {
  const { dataDir, key, logger } = options;
  let pending: { seq: number; mac: string } | undefined;
  let cancel: (() => void) | undefined;
  let closed = options.schedule === "each-commit";

  const write = () => {
    cancel = undefined;
    const head = pending;
    if (!head) return;
    try {
      // Never moves the head back: another process on the same data (a CLI command while the server
      // runs) may have anchored a newer entry meanwhile.
      const current = readHeadFile(dataDir);
      const newer = current && current !== "unreadable" && isAuthenticHead(key, current) && current.seq >= head.seq;
      if (!newer)
        writeFileAtomic(
          headPath(dataDir),
          JSON.stringify({ seq: head.seq, mac: head.mac, tag: headTag(key, head.seq, head.mac) }) + "\n",
        );
      if (pending === head) pending = undefined;
    } catch (error) {
      // The entries are committed; a stale head only widens the window until the next write.
      logger.error("audit.head_write_failed", { seq: head.seq, ...errorFields(error) });
    }
  };

  return {
    committed(seq, mac) {
      if (pending && pending.seq >= seq) return;
      pending = { seq, mac };
      if (closed || options.schedule === "each-commit") return write();
      cancel ??= options.schedule(write, AUDIT_HEAD_INTERVAL_MS);
    },
    flush() {
      cancel?.();
      write();
    },
    close() {
      closed = true;
      this.flush();
    },
  };
}
