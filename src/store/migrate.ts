import { AppError, StoreError } from "../lib/app-error.ts";
import { sha256Hex } from "../lib/crypto.ts";
import type { Db } from "./database.ts";

/** One forward-only migration: `NNNN_snake_description.sql`. */
export type Migration = { name: string; sql: string };

export type MigrationState = {
  name: string;
  state: "applied" | "pending" | "changed" | "unknown";
  appliedAt?: number;
};

const NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

function checkList(migrations: Migration[]): Migration[] {
  const sorted = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set<string>();
  for (const m of sorted) {
    const number = NAME.exec(m.name)?.[1];
    if (!number)
      throw new AppError("MIGRATION_INVALID", `Migration file name ${m.name} must look like 0001_description.sql.`);
    if (seen.has(number)) throw new AppError("MIGRATION_INVALID", `Two migrations share the number ${number}.`);
    seen.add(number);
  }
  return sorted;
}

function ensureTable(db: Db): void {
  db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
  );
}

/** Each migration's state against the database, without changing anything. */
export function migrationStatus(db: Db, migrations: Migration[]): MigrationState[] {
  const known = checkList(migrations);
  const hasTable =
    db.get("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") !== undefined;
  const applied = new Map(
    (hasTable
      ? db.all<{ name: string; checksum: string; applied_at: number }>(
          "SELECT name, checksum, applied_at FROM schema_migrations",
        )
      : []
    ).map((r) => [r.name, r]),
  );
  const states: MigrationState[] = known.map((m) => {
    const row = applied.get(m.name);
    if (!row) return { name: m.name, state: "pending" };
    return {
      name: m.name,
      state: row.checksum === sha256Hex(m.sql) ? "applied" : "changed",
      appliedAt: row.applied_at,
    };
  });
  for (const [name, row] of applied) {
    if (!known.some((m) => m.name === name)) states.push({ name, state: "unknown", appliedAt: row.applied_at });
  }
  return states;
}

/** Refuses to go on when an applied migration was edited or the database is newer than the code. */
function assertHistoryIntact(states: MigrationState[]): void {
  const changed = states.find((s) => s.state === "changed");
  if (changed) {
    throw new AppError(
      "MIGRATION_CHANGED",
      `Migration ${changed.name} was changed after it was applied; applied migrations must never be edited (add a new one).`,
    );
  }
  const unknown = states.find((s) => s.state === "unknown");
  if (unknown) {
    throw new AppError(
      "MIGRATION_UNKNOWN",
      `The database has migration ${unknown.name}, which this version of Loupe does not know; it was written by a newer version.`,
    );
  }
}

/** Applies pending migrations in order, each in one transaction with its checksum recorded. */
export function migrate(db: Db, migrations: Migration[], now: () => number = Date.now): string[] {
  const list = checkList(migrations);
  db.write(() => ensureTable(db));
  assertHistoryIntact(migrationStatus(db, list));
  const applied: string[] = [];
  for (const m of list) {
    db.write(() => {
      // Re-checked inside the write lock: another process may have applied it meanwhile.
      if (db.get("SELECT 1 AS x FROM schema_migrations WHERE name = ?", m.name)) return;
      try {
        db.exec(m.sql);
      } catch (error) {
        if (error instanceof AppError || error instanceof StoreError) throw error;
        throw new AppError("MIGRATION_FAILED", `Migration ${m.name} failed; nothing of it was applied.`, {
          cause: error,
        });
      }
      db.run(
        "INSERT INTO schema_migrations (name, checksum, applied_at) VALUES (?, ?, ?)",
        m.name,
        sha256Hex(m.sql),
        now(),
      );
      applied.push(m.name);
    });
  }
  return applied;
}

/** True when every known migration is applied and none changed. */
export function migrationsComplete(db: Db, migrations: Migration[]): boolean {
  return migrationStatus(db, migrations).every((s) => s.state === "applied");
}
