import type { Db } from "./database.ts";

export type ThrottleRow = { key: string; window_start: number; failures: number; consecutive: number; blocked_until: number };

export function findThrottle(db: Db, key: string): ThrottleRow | undefined {
  return db.get<ThrottleRow>("SELECT key, window_start, failures, consecutive, blocked_until FROM throttles WHERE key = ?", key);
}

export function saveThrottle(db: Db, row: ThrottleRow): void {
  db.run(
    `INSERT INTO throttles (key, window_start, failures, consecutive, blocked_until) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures,
       consecutive = excluded.consecutive, blocked_until = excluded.blocked_until`,
    row.key,
    row.window_start,
    row.failures,
    row.consecutive,
    row.blocked_until,
  );
}

export function findDevice(db: Db, id: string): { id: string; user_id: string; last_used_at: number } | undefined {
  return db.get<{ id: string; user_id: string; last_used_at: number }>("SELECT id, user_id, last_used_at FROM devices WHERE id = ?", id);
}

export function insertDevice(db: Db, id: string, userId: string, now: number): void {
  db.run("INSERT INTO devices (id, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)", id, userId, now, now);
}

export function touchDevice(db: Db, id: string, now: number): void {
  db.run("UPDATE devices SET last_used_at = ? WHERE id = ?", now, id);
}
