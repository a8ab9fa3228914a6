import type { Db } from "./database.ts";

export type AuditRow = {
  seq: number;
  at: number;
  actor_id: string | null;
  action: string;
  target_id: string | null;
  team_id: string | null;
  prev_mac: string;
  mac: string;
  /** JSON of ids and enum values (what changed), or null. */
  detail: string | null;
};

export type CheckpointRow = { pruned_through_seq: number; last_mac: string; at: number; mac: string };

const COLUMNS = "seq, at, actor_id, action, target_id, team_id, prev_mac, mac, detail";

export function lastAuditEntry(db: Db): AuditRow | undefined {
  return db.get<AuditRow>(`SELECT ${COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT 1`);
}

export function insertAuditEntry(db: Db, row: AuditRow): void {
  db.run(
    `INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    row.seq,
    row.at,
    row.actor_id,
    row.action,
    row.target_id,
    row.team_id,
    row.prev_mac,
    row.mac,
    row.detail,
  );
}

/** Entries in order from `afterSeq` on, a page at a time (verification walks the whole chain). */
export function auditEntriesAfter(db: Db, afterSeq: number, limit: number): AuditRow[] {
  return db.all<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?`, afterSeq, limit);
}

export function listAuditEntries(
  db: Db,
  options: { teamId?: string | null; beforeSeq?: number; limit: number },
): AuditRow[] {
  if (options.teamId !== undefined) {
    return db.all<AuditRow>(
      `SELECT ${COLUMNS} FROM audit_log WHERE team_id IS ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      options.teamId,
      options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
      options.limit,
    );
  }
  return db.all<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
    options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
    options.limit,
  );
}

export function findCheckpoint(db: Db): CheckpointRow | undefined {
  return db.get<CheckpointRow>("SELECT pruned_through_seq, last_mac, at, mac FROM audit_checkpoints WHERE id = 1");
}

/** Deletes entries up to `throughSeq` and records where the chain now starts, in one transaction (the caller's). */
export function pruneAuditThrough(db: Db, checkpoint: CheckpointRow): number {
  db.run(
    `INSERT INTO audit_checkpoints (id, pruned_through_seq, last_mac, at, mac) VALUES (1, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET pruned_through_seq = excluded.pruned_through_seq, last_mac = excluded.last_mac, at = excluded.at, mac = excluded.mac`,
    checkpoint.pruned_through_seq,
    checkpoint.last_mac,
    checkpoint.at,
    checkpoint.mac,
  );
  return db.run("DELETE FROM audit_log WHERE seq <= ?", checkpoint.pruned_through_seq).changes;
}

export function findAuditEntry(db: Db, seq: number): AuditRow | undefined {
  return db.get<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE seq = ?`, seq);
}

export function lastAuditEntryBefore(db: Db, at: number): AuditRow | undefined {
  return db.get<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE at < ? ORDER BY seq DESC LIMIT 1`, at);
}

/** A team's entries about one target (an item), newest first, a page before `beforeSeq`. */
export function listTargetAuditEntries(
  db: Db,
  options: { teamId: string; targetId: string; actions: readonly string[]; beforeSeq?: number; limit: number },
): AuditRow[] {
  return db.all<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE team_id = ? AND target_id = ? AND seq < ? AND action IN (${options.actions.map(() => "?").join(", ")}) ORDER BY seq DESC LIMIT ?`,
    options.teamId,
    options.targetId,
    options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
    ...options.actions,
    options.limit,
  );
}

export type TeamAuditFilter = {
  teamId: string;
  actorId?: string;
  /** An exact action (`member.removed`), or a group prefix ending in a dot (`member.`). */
  action?: string;
  fromAt?: number;
  toAt?: number;
  beforeSeq?: number;
};

/** One page of a team's entries matching the filter, newest first (the `(team_id, seq)` index walks it). */
export function listTeamAuditEntries(db: Db, filter: TeamAuditFilter, limit: number): AuditRow[] {
  const where = ["team_id = ?", "seq < ?"];
  const args: (string | number)[] = [filter.teamId, filter.beforeSeq ?? Number.MAX_SAFE_INTEGER];
  if (filter.actorId !== undefined) {
    where.push("actor_id = ?");
    args.push(filter.actorId);
  }
  if (filter.action?.endsWith(".")) {
    // A prefix compared as a string: LIKE would read the `_` of `support_access.` as a wildcard.
    where.push("substr(action, 1, ?) = ?");
    args.push(filter.action.length, filter.action);
  } else if (filter.action !== undefined) {
    where.push("action = ?");
    args.push(filter.action);
  }
  if (filter.fromAt !== undefined) {
    where.push("at >= ?");
    args.push(filter.fromAt);
  }
  if (filter.toAt !== undefined) {
    where.push("at < ?");
    args.push(filter.toAt);
  }
  return db.all<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ?`,
    ...args,
    limit,
  );
}
