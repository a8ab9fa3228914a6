import type { Db } from "./database.ts";

export type UserRow = {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  is_instance_admin: number;
  security_version: number;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
};

const COLUMNS =
  "id, email, display_name, password_hash, is_instance_admin, security_version, disabled_at, created_at, updated_at";

export function insertUser(
  db: Db,
  user: {
    id: string;
    email: string;
    displayName: string;
    passwordHash: string | null;
    isInstanceAdmin: boolean;
    now: number;
  },
): void {
  db.run(
    "INSERT INTO users (id, email, display_name, password_hash, is_instance_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    user.id,
    user.email,
    user.displayName,
    user.passwordHash,
    user.isInstanceAdmin ? 1 : 0,
    user.now,
    user.now,
  );
}

export function findUserById(db: Db, id: string): UserRow | undefined {
  return db.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, id);
}

export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.get<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = ?`, email);
}

export function countUsers(db: Db): number {
  return Number(db.get<{ n: number }>("SELECT count(*) AS n FROM users")?.n ?? 0);
}

export function listUsers(db: Db): UserRow[] {
  return db.all<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY created_at, id`);
}

export function setPasswordHash(db: Db, id: string, passwordHash: string, now: number): void {
  db.run("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", passwordHash, now, id);
}

/** Invalidates every session token of the user at once (tokens carry the version they were issued with). */
export function bumpSecurityVersion(db: Db, id: string, now: number): void {
  db.run("UPDATE users SET security_version = security_version + 1, updated_at = ? WHERE id = ?", now, id);
}

export function setUserDisabled(db: Db, id: string, disabledAt: number | null, now: number): void {
  db.run("UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?", disabledAt, now, id);
}

export function setEmail(db: Db, id: string, email: string, now: number): void {
  db.run("UPDATE users SET email = ?, updated_at = ? WHERE id = ?", email, now, id);
}

export function setDisplayName(db: Db, id: string, displayName: string, now: number): void {
  db.run("UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?", displayName, now, id);
}

/** Deletes the account; its sessions, tokens, memberships and identities go with it (foreign keys). */
export function deleteUser(db: Db, id: string): void {
  db.run("DELETE FROM users WHERE id = ?", id);
}
