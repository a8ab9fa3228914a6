import type { Db } from "./database.ts";

export type ApiTokenRow = {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scope: "read" | "write";
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  team_id: string | null;
  team_role: "member" | "reporter" | null;
  token_prefix: string | null;
};

const API_COLUMNS =
  "id, user_id, name, token_hash, scope, created_at, expires_at, last_used_at, revoked_at, team_id, team_role, token_prefix";

export function insertApiToken(
  db: Db,
  t: {
    id: string;
    userId: string;
    name: string;
    hash: string;
    scope: string;
    now: number;
    expiresAt: number;
    teamId?: string | null;
    teamRole?: string | null;
    prefix?: string | null;
  },
): void {
  db.run(
    "INSERT INTO api_tokens (id, user_id, name, token_hash, scope, created_at, expires_at, team_id, team_role, token_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    t.id,
    t.userId,
    t.name,
    t.hash,
    t.scope,
    t.now,
    t.expiresAt,
    t.teamId ?? null,
    t.teamRole ?? null,
    t.prefix ?? null,
  );
}

export function listTeamApiTokens(db: Db, teamId: string): ApiTokenRow[] {
  return db.all<ApiTokenRow>(
    `SELECT ${API_COLUMNS} FROM api_tokens WHERE team_id = ? ORDER BY created_at DESC`,
    teamId,
  );
}

export function revokeTeamApiToken(db: Db, teamId: string, id: string, now: number): number {
  return db.run(
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND team_id = ? AND revoked_at IS NULL",
    now,
    id,
    teamId,
  ).changes;
}

export function findApiTokenByHash(db: Db, hash: string): ApiTokenRow | undefined {
  return db.get<ApiTokenRow>(`SELECT ${API_COLUMNS} FROM api_tokens WHERE token_hash = ?`, hash);
}

export function listApiTokens(db: Db, userId: string): ApiTokenRow[] {
  return db.all<ApiTokenRow>(
    `SELECT ${API_COLUMNS} FROM api_tokens WHERE user_id = ? AND team_id IS NULL ORDER BY created_at DESC`,
    userId,
  );
}

export function touchApiToken(db: Db, id: string, now: number): void {
  db.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", now, id);
}

export function revokeApiToken(db: Db, userId: string, id: string, now: number): number {
  return db.run(
    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND team_id IS NULL AND revoked_at IS NULL",
    now,
    id,
    userId,
  ).changes;
}

export type OneTimeTokenRow = {
  id: string;
  purpose: "setup" | "password_reset";
  token_hash: string;
  user_id: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
};

export function insertOneTimeToken(
  db: Db,
  t: {
    id: string;
    purpose: string;
    hash: string;
    userId: string | null;
    createdBy: string | null;
    now: number;
    expiresAt: number;
  },
): void {
  db.run(
    "INSERT INTO one_time_tokens (id, purpose, token_hash, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    t.id,
    t.purpose,
    t.hash,
    t.userId,
    t.createdBy,
    t.now,
    t.expiresAt,
  );
}

export function findOneTimeToken(db: Db, purpose: string, hash: string): OneTimeTokenRow | undefined {
  return db.get<OneTimeTokenRow>(
    "SELECT id, purpose, token_hash, user_id, created_by, created_at, expires_at, used_at FROM one_time_tokens WHERE purpose = ? AND token_hash = ?",
    purpose,
    hash,
  );
}

/** Single use: 1 changed row = this caller used it. */
export function useOneTimeToken(db: Db, id: string, now: number): boolean {
  return (
    db.run("UPDATE one_time_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?", now, id, now)
      .changes === 1
  );
}

/** Earlier unused tokens of the same purpose and user stop working when a new one is made. */
export function expireOneTimeTokens(db: Db, purpose: string, userId: string | null, now: number): void {
  db.run(
    "UPDATE one_time_tokens SET expires_at = ? WHERE purpose = ? AND user_id IS ? AND used_at IS NULL AND expires_at > ?",
    now,
    purpose,
    userId,
    now,
  );
}

/** Revokes every live API token of a user (a security change ends all their credentials). */
export function revokeUserApiTokens(db: Db, userId: string, now: number): number {
  return db.run("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, userId).changes;
}

/** Deletes one-time tokens (setup, password reset) that expired before `before`. */
export function deleteExpiredOneTimeTokens(db: Db, before: number): number {
  return db.run("DELETE FROM one_time_tokens WHERE expires_at < ?", before).changes;
}
