import type { Db } from "./database.ts";

export function readSettings(db: Db): Record<string, string> {
  return Object.fromEntries(
    db.all<{ key: string; value: string }>("SELECT key, value FROM instance_settings").map((r) => [r.key, r.value]),
  );
}

export function writeSetting(db: Db, key: string, value: string, now: number): void {
  db.run(
    "INSERT INTO instance_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    key,
    value,
    now,
  );
}
