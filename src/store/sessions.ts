import type { Db } from "./database.ts";

export type SessionRow = {
  id: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  auth_time: number;
  method: string;
  amr: string;
  mfa_enrolment_required: number;
  user_agent: string;
  revoked_at: number | null;
  revoked_reason: string | null;
};

const COLUMNS =
  "id, user_id, created_at, last_seen_at, auth_time, method, amr, mfa_enrolment_required, user_agent, revoked_at, revoked_reason";

export function insertSession(
  db: Db,
  s: {
    id: string;
    userId: string;
    now: number;
    authTime: number;
    method: string;
    amr: string[];
    mfaEnrolmentRequired: boolean;
    userAgent: string;
  },
): void {
  db.run(
    "INSERT INTO sessions (id, user_id, created_at, last_seen_at, auth_time, method, amr, mfa_enrolment_required, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    s.id,
    s.userId,
    s.now,
    s.now,
    s.authTime,
    s.method,
    JSON.stringify(s.amr),
    s.mfaEnrolmentRequired ? 1 : 0,
    s.userAgent,
  );
}

export function findSession(db: Db, id: string): SessionRow | undefined {
  return db.get<SessionRow>(`SELECT ${COLUMNS} FROM sessions WHERE id = ?`, id);
}

export function listActiveSessions(db: Db, userId: string): SessionRow[] {
  return db.all<SessionRow>(
    `SELECT ${COLUMNS} FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY last_seen_at DESC`,
    userId,
  );
}

export function touchSession(db: Db, id: string, now: number): void {
  db.run("UPDATE sessions SET last_seen_at = ? WHERE id = ? AND revoked_at IS NULL", now, id);
}

export function revokeSession(db: Db, id: string, reason: string, now: number): number {
  return db.run(
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL",
    now,
    reason,
    id,
  ).changes;
}

/** Revokes every live session of a user, optionally sparing one; returns how many. */
export function revokeUserSessions(db: Db, userId: string, reason: string, now: number, exceptId?: string): number {
  return db.run(
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?",
    now,
    reason,
    userId,
    exceptId ?? null,
  ).changes;
}

/** What every authenticated request reads: the session row and its user's security state. */
export type SessionCheck = {
  session: Omit<SessionRow, "user_agent" | "revoked_reason">;
  securityVersion: number;
  disabledAt: number | null;
};

/** One narrow read per request (the session row is checked every time; the full user is loaded on use). */
export function checkSession(db: Db, id: string): SessionCheck | undefined {
  const row = db.getValues(
    `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.auth_time, s.method, s.amr, s.mfa_enrolment_required, s.revoked_at,
            u.security_version, u.disabled_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
    id,
  );
  if (!row) return undefined;
  const [sid, userId, createdAt, lastSeenAt, authTime, method, amr, enrolment, revokedAt, securityVersion, disabledAt] =
    row;
  return {
    session: {
      id: sid as string,
      user_id: userId as string,
      created_at: createdAt as number,
      last_seen_at: lastSeenAt as number,
      auth_time: authTime as number,
      method: method as string,
      amr: amr as string,
      mfa_enrolment_required: enrolment as number,
      revoked_at: revokedAt as number | null,
    },
    securityVersion: securityVersion as number,
    disabledAt: disabledAt as number | null,
  };
}

/** Deletes sessions that ended (revoked, or older than any lifetime allows) before `before`; returns how many. */
export function deleteEndedSessions(db: Db, before: number, createdBefore: number): number {
  return db.run("DELETE FROM sessions WHERE revoked_at < ? OR created_at < ?", before, createdBefore).changes;
}

/** Sessions neither revoked nor past either deadline at the moment the bounds were taken (the metrics gauge). */
export function countLiveSessions(db: Db, seenAfter: number, createdAfter: number): number {
  const row = db.getValues(
    "SELECT count(*) FROM sessions WHERE revoked_at IS NULL AND last_seen_at > ? AND created_at > ?",
    seenAfter,
    createdAfter,
  );
  return Number(row?.[0] ?? 0);
}
