import type { Db } from "./database.ts";

export type TotpRow = {
  user_id: string;
  secret_sealed: string;
  confirmed_at: number | null;
  last_step: number;
  created_at: number;
};

export function findTotp(db: Db, userId: string): TotpRow | undefined {
  return db.get<TotpRow>(
    "SELECT user_id, secret_sealed, confirmed_at, last_step, created_at FROM totp_credentials WHERE user_id = ?",
    userId,
  );
}

/** Starts (or restarts) an enrolment: an unconfirmed secret replaces any unconfirmed one. */
export function upsertPendingTotp(db: Db, userId: string, secretSealed: string, now: number): void {
  db.run(
    `INSERT INTO totp_credentials (user_id, secret_sealed, confirmed_at, last_step, created_at) VALUES (?, ?, NULL, -1, ?)
     ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, confirmed_at = NULL, last_step = -1, created_at = excluded.created_at
     WHERE totp_credentials.confirmed_at IS NULL`,
    userId,
    secretSealed,
    now,
  );
}

export function confirmTotp(db: Db, userId: string, now: number): void {
  db.run("UPDATE totp_credentials SET confirmed_at = ? WHERE user_id = ?", now, userId);
}

/**
 * Consumes a time step: succeeds for exactly one caller per step, and only moving forward
 * (conditional UPDATE; 1 changed row = accepted). This is what stops replay, even in parallel.
 */
export function consumeTotpStep(db: Db, userId: string, step: number): boolean {
  return (
    db.run("UPDATE totp_credentials SET last_step = ? WHERE user_id = ? AND last_step < ?", step, userId, step)
      .changes === 1
  );
}

export function deleteTotp(db: Db, userId: string): void {
  db.run("DELETE FROM totp_credentials WHERE user_id = ?", userId);
}

export function replaceRecoveryCodes(db: Db, userId: string, codes: { id: string; hash: string }[], now: number): void {
  db.run("DELETE FROM recovery_codes WHERE user_id = ?", userId);
  for (const code of codes)
    db.run(
      "INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES (?, ?, ?, ?)",
      code.id,
      userId,
      code.hash,
      now,
    );
}

/** Uses a recovery code once: 1 changed row = accepted. */
export function consumeRecoveryCode(db: Db, userId: string, hash: string, now: number): boolean {
  return (
    db.run(
      "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
      now,
      userId,
      hash,
    ).changes === 1
  );
}

export function countUnusedRecoveryCodes(db: Db, userId: string): number {
  return Number(
    db.get<{ n: number }>("SELECT count(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", userId)
      ?.n ?? 0,
  );
}

export function deleteRecoveryCodes(db: Db, userId: string): void {
  db.run("DELETE FROM recovery_codes WHERE user_id = ?", userId);
}

export type ChallengeRow = {
  id: string;
  user_id: string;
  method: string;
  amr: string;
  device_id: string | null;
  return_to: string | null;
  failed_attempts: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  browser_hash: string | null;
};

export function insertChallenge(
  db: Db,
  c: {
    id: string;
    userId: string;
    method: string;
    amr: string[];
    deviceId: string | null;
    returnTo: string | null;
    now: number;
    expiresAt: number;
    browserHash: string;
  },
): void {
  db.run(
    "INSERT INTO mfa_challenges (id, user_id, method, amr, device_id, return_to, created_at, expires_at, browser_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    c.id,
    c.userId,
    c.method,
    JSON.stringify(c.amr),
    c.deviceId,
    c.returnTo,
    c.now,
    c.expiresAt,
    c.browserHash,
  );
}

export function findChallenge(db: Db, id: string): ChallengeRow | undefined {
  return db.get<ChallengeRow>(
    "SELECT id, user_id, method, amr, device_id, return_to, failed_attempts, created_at, expires_at, used_at, browser_hash FROM mfa_challenges WHERE id = ?",
    id,
  );
}

export function failChallenge(db: Db, id: string): void {
  db.run("UPDATE mfa_challenges SET failed_attempts = failed_attempts + 1 WHERE id = ?", id);
}

/** Single use: 1 changed row = this caller used it. */
export function useChallenge(db: Db, id: string, now: number): boolean {
  return db.run("UPDATE mfa_challenges SET used_at = ? WHERE id = ? AND used_at IS NULL", now, id).changes === 1;
}

export function deleteExpiredChallenges(db: Db, now: number): number {
  return db.run("DELETE FROM mfa_challenges WHERE expires_at < ?", now - 24 * 3600_000).changes;
}

/** Ends every open sign-in challenge of a user (after a security change). */
export function deleteUserChallenges(db: Db, userId: string): void {
  db.run("DELETE FROM mfa_challenges WHERE user_id = ? AND used_at IS NULL", userId);
}
