import { constantTimeEqual, hmacSha256 } from "../../lib/crypto.ts";
import { writeFileAtomic } from "../../lib/fs-atomic.ts";
import { errorFields } from "../../lib/logger.ts";
import type { AuditActionName, PublicAuditEntry } from "../../shared/audit.ts";
import {
  type AuditRow,
  auditEntriesAfter,
  findAuditEntry,
  findCheckpoint,
  insertAuditEntry,
  lastAuditEntry,
  lastAuditEntryBefore,
  listAuditEntries,
  pruneAuditThrough,
} from "../../store/audit.ts";
import { countUsers } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { headPath, headTag, isAuthenticHead, readHeadFile } from "./audit-head.ts";

export { AUDIT_HEAD_FILE } from "./audit-head.ts";

/**
 * The audit trail of access-control changes, tamper-evident: each entry carries an HMAC (the
 * keyring's audit key, which database access alone does not give) over its content and the previous
 * entry's MAC, extended in every commit. The latest head (sequence number + MAC) is also kept
 * outside the table, in `audit-head.json` beside the keyring (anchored off the request path, see
 * audit-head.ts), so deleting the newest rows is detected too. Pruning leaves a MACed checkpoint.
 */
export type AuditAction = AuditActionName;

const GENESIS = "0".repeat(64);

type AuditContext = Pick<ServiceContext, "db" | "keyring" | "clock" | "logger" | "dataDir" | "auditHead">;

function entryMac(key: Uint8Array, e: Omit<AuditRow, "mac">): string {
  const fields = ["entry", e.seq, e.at, e.actor_id, e.action, e.target_id, e.team_id, e.prev_mac];
  // The detail counts only when there is one: entries written before it existed keep their MAC.
  if (e.detail !== null) fields.push(e.detail);
  return hmacSha256(key, JSON.stringify(fields)).toString("hex");
}

function checkpointMac(key: Uint8Array, seq: number, lastMac: string, at: number): string {
  return hmacSha256(key, JSON.stringify(["checkpoint", seq, lastMac, at])).toString("hex");
}

/** Writes the head file at once: for contexts without an anchor (one-shot CLI commands). */
function writeHeadNow(ctx: AuditContext, seq: number, mac: string): void {
  try {
    writeFileAtomic(
      headPath(ctx.dataDir),
      JSON.stringify({ seq, mac, tag: headTag(ctx.keyring.audit, seq, mac) }) + "\n",
    );
  } catch (error) {
    // The entry is committed; a stale head only weakens truncation detection until the next entry.
    ctx.logger.error("audit.head_write_failed", { seq, ...errorFields(error) });
  }
}

/**
 * Appends an entry, in the caller's transaction when there is one. The chain is extended in that
 * commit; the head file follows through the context's anchor (coalesced, off the request path).
 */
export function appendAudit(
  ctx: AuditContext,
  entry: {
    action: AuditAction;
    actorId: string | null;
    targetId?: string | null;
    teamId?: string | null;
    /** What changed: ids and enum values only (the chain is kept for years and cannot be erased from). */
    detail?: Record<string, unknown>;
  },
): number {
  return ctx.db.write(() => {
    const last = lastAuditEntry(ctx.db);
    const checkpoint = last ? undefined : findCheckpoint(ctx.db);
    const row: Omit<AuditRow, "mac"> = {
      seq: (last?.seq ?? checkpoint?.pruned_through_seq ?? 0) + 1,
      at: ctx.clock.now(),
      actor_id: entry.actorId,
      action: entry.action,
      target_id: entry.targetId ?? null,
      team_id: entry.teamId ?? null,
      prev_mac: last?.mac ?? checkpoint?.last_mac ?? GENESIS,
      detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
    };
    const mac = entryMac(ctx.keyring.audit, row);
    insertAuditEntry(ctx.db, { ...row, mac });
    // One head write per transaction, however many entries it appended: the last one is the head.
    ctx.db.afterCommit(
      () => (ctx.auditHead ? ctx.auditHead.committed(row.seq, mac) : writeHeadNow(ctx, row.seq, mac)),
      "audit-head",
    );
    return row.seq;
  });
}

export type AuditVerification = {
  ok: boolean;
  checked: number;
  lastSeq: number;
  firstBroken?: {
    seq: number;
    reason:
      | "entry_altered"
      | "chain_broken"
      | "missing_entry"
      | "newest_entries_deleted"
      | "head_mismatch"
      | "head_forged"
      | "head_missing"
      | "checkpoint_forged";
  };
};

/**
 * Walks the whole chain from its start (genesis or the checkpoint) and reports the first broken link.
 * `expected` is a head recorded elsewhere (the daily `audit.head` log line): it catches a replayed
 * head file together with deleted newest rows, which a file in the data directory cannot. This
 * process's pending head is anchored first.
 */
export function verifyAudit(ctx: AuditContext, anchor?: { seq: number; digest: string }): AuditVerification {
  ctx.auditHead?.flush();
  const key = ctx.keyring.audit;
  const checkpoint = findCheckpoint(ctx.db);
  let expected = 1;
  let prev = GENESIS;
  let checked = 0;
  if (checkpoint) {
    if (
      !constantTimeEqual(
        checkpoint.mac,
        checkpointMac(key, checkpoint.pruned_through_seq, checkpoint.last_mac, checkpoint.at),
      )
    ) {
      return {
        ok: false,
        checked,
        lastSeq: 0,
        firstBroken: { seq: checkpoint.pruned_through_seq, reason: "checkpoint_forged" },
      };
    }
    expected = checkpoint.pruned_through_seq + 1;
    prev = checkpoint.last_mac;
  }
  for (
    let page = auditEntriesAfter(ctx.db, expected - 1, 1000);
    page.length > 0;
    page = auditEntriesAfter(ctx.db, expected - 1, 1000)
  ) {
    for (const e of page) {
      if (e.seq !== expected)
        return { ok: false, checked, lastSeq: expected - 1, firstBroken: { seq: expected, reason: "missing_entry" } };
      if (e.prev_mac !== prev)
        return { ok: false, checked, lastSeq: expected - 1, firstBroken: { seq: e.seq, reason: "chain_broken" } };
      if (!constantTimeEqual(e.mac, entryMac(key, e)))
        return { ok: false, checked, lastSeq: expected - 1, firstBroken: { seq: e.seq, reason: "entry_altered" } };
      prev = e.mac;
      expected++;
      checked++;
    }
  }
  const lastSeq = expected - 1;
  if (anchor) {
    if (anchor.seq > lastSeq)
      return { ok: false, checked, lastSeq, firstBroken: { seq: lastSeq + 1, reason: "newest_entries_deleted" } };
    const atAnchor = findAuditEntry(ctx.db, anchor.seq);
    if (anchor.seq > (checkpoint?.pruned_through_seq ?? 0) && (!atAnchor || atAnchor.mac !== anchor.digest)) {
      return { ok: false, checked, lastSeq, firstBroken: { seq: anchor.seq, reason: "head_mismatch" } };
    }
  }
  const head = readHeadFile(ctx.dataDir);
  if (head === undefined) {
    // A set-up instance always has entries (the first admin's creation), hence a head file.
    const setUp = countUsers(ctx.db) > 0;
    return lastSeq > 0 || checkpoint || setUp
      ? { ok: false, checked, lastSeq, firstBroken: { seq: lastSeq, reason: "head_missing" } }
      : { ok: true, checked, lastSeq };
  }
  if (head === "unreadable" || !isAuthenticHead(key, head)) {
    return { ok: false, checked, lastSeq, firstBroken: { seq: lastSeq, reason: "head_forged" } };
  }
  if (head.seq > lastSeq)
    return { ok: false, checked, lastSeq, firstBroken: { seq: lastSeq + 1, reason: "newest_entries_deleted" } };
  const atHead = findAuditEntry(ctx.db, head.seq);
  if (head.seq > (checkpoint?.pruned_through_seq ?? 0) && (!atHead || atHead.mac !== head.mac)) {
    return { ok: false, checked, lastSeq, firstBroken: { seq: head.seq, reason: "head_mismatch" } };
  }
  return { ok: true, checked, lastSeq };
}

/** Deletes entries older than `retentionMs`, leaving a MACed checkpoint so verification still holds. */
export function pruneAudit(ctx: AuditContext, retentionMs: number): number {
  const now = ctx.clock.now();
  return ctx.db.write(() => {
    const old = lastAuditEntryBefore(ctx.db, now - retentionMs);
    const newest = lastAuditEntry(ctx.db);
    if (!old || !newest) return 0;
    // The newest entry always stays: the chain's head must remain checkable against the head file.
    const last = old.seq < newest.seq ? old : findAuditEntry(ctx.db, newest.seq - 1);
    if (!last) return 0;
    return pruneAuditThrough(ctx.db, {
      pruned_through_seq: last.seq,
      last_mac: last.mac,
      at: now,
      mac: checkpointMac(ctx.keyring.audit, last.seq, last.mac, now),
    });
  });
}

/** Anchors the pending head and writes the current one to the log (done daily), so a copy lives outside the data directory. */
export function logAuditHead(ctx: AuditContext): void {
  ctx.auditHead?.flush();
  const last = lastAuditEntry(ctx.db);
  ctx.logger.info("audit.head", { seq: last?.seq ?? 0, digest: last?.mac ?? GENESIS });
}

export function listAudit(
  ctx: AuditContext,
  options: { teamId?: string | null; beforeSeq?: number; limit: number },
): PublicAuditEntry[] {
  return listAuditEntries(ctx.db, options).map((e) => ({
    seq: e.seq,
    at: new Date(e.at).toISOString(),
    actorId: e.actor_id,
    action: e.action,
    targetId: e.target_id,
    teamId: e.team_id,
  }));
}

export type { PublicAuditEntry };
