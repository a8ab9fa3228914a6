import type { Db } from "./database.ts";

/** `failureLog`: the times of the failures still counted (the last hour), oldest first. */
export type ThrottleRow = {
  key: string;
  window_start: number;
  failures: number;
  consecutive: number;
  blocked_until: number;
  failureLog: number[];
};

type StoredThrottle = Omit<ThrottleRow, "failureLog"> & { failure_log: string };

function parseLog(row: StoredThrottle): number[] {
  let log: unknown;
  try {
    log = JSON.parse(row.failure_log);
  } catch {
    log = [];
  }
  const times = Array.isArray(log) ? log.filter((t): t is number => typeof t === "number" && Number.isFinite(t)) : [];
  // A row from before the log (0008) kept a count per fixed window: its failures stand at the window's start.
  if (times.length === 0 && row.failures > 0) return Array<number>(Math.min(row.failures, 1000)).fill(row.window_start);
  return times.sort((a, b) => a - b);
}

export function findThrottle(db: Db, key: string): ThrottleRow | undefined {
  const row = db.get<StoredThrottle>(
    "SELECT key, window_start, failures, consecutive, blocked_until, failure_log FROM throttles WHERE key = ?",
    key,
  );
  if (!row) return undefined;
  const { failure_log: _, ...rest } = row;
  return { ...rest, failureLog: parseLog(row) };
}

export function saveThrottle(db: Db, row: ThrottleRow): void {
  db.run(
    `INSERT INTO throttles (key, window_start, failures, consecutive, blocked_until, failure_log) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures,
       consecutive = excluded.consecutive, blocked_until = excluded.blocked_until, failure_log = excluded.failure_log`,
    row.key,
    row.window_start,
    row.failures,
    row.consecutive,
    row.blocked_until,
    JSON.stringify(row.failureLog),
  );
}

export function findDevice(db: Db, id: string): { id: string; user_id: string; last_used_at: number } | undefined {
  return db.get<{ id: string; user_id: string; last_used_at: number }>(
    "SELECT id, user_id, last_used_at FROM devices WHERE id = ?",
    id,
  );
}

export function insertDevice(db: Db, id: string, userId: string, now: number): void {
  db.run("INSERT INTO devices (id, user_id, created_at, last_used_at) VALUES (?, ?, ?, ?)", id, userId, now, now);
}

export function touchDevice(db: Db, id: string, now: number): void {
  db.run("UPDATE devices SET last_used_at = ? WHERE id = ?", now, id);
}
