import Database from "libsql";
import { AppError } from "../lib/app-error.ts";
import type { Db } from "./database.ts";

/**
 * The SQL of backups: a consistent snapshot of the live database (VACUUM INTO, which reads in one
 * transaction while writers go on in WAL mode, and writes a file encrypted under the same data key),
 * and the read-only checks a drill runs on a snapshot. These are synchronous and take seconds per GB:
 * callers run them in a Worker with its own connection (src/workers/backup.ts).
 */

/** Writes a compacted copy of `db` to `target` (which must not exist). */
export function vacuumInto(db: Db, target: string): void {
  db.exec(`VACUUM INTO '${target.replaceAll("'", "''")}'`);
}

export type SnapshotFacts = {
  integrity: string;
  /** Applied migrations, in order (the last one is the schema version). */
  migrations: string[];
  rowCounts: Record<string, number>;
  /** The newest audit entry (null when there is none): the record a drill fetches from the booted app. */
  newestAudit: { seq: number; at: number; action: string } | null;
};

/** A snapshot opened read-only: nothing in the file changes, so its hash stays what the manifest says. */
export function readSnapshot(path: string, key: string, options: { integrity: boolean }): SnapshotFacts {
  let raw: Database.Database;
  try {
    raw = new Database(path, { readonly: true, fileMustExist: true, encryptionKey: key } as Database.Options);
  } catch (error) {
    throw new AppError("BACKUP_SNAPSHOT_UNREADABLE", "The snapshot in the backup cannot be opened.", { cause: error });
  }
  const value = (sql: string): unknown => {
    const row = raw.prepare(sql).get() as Record<string, unknown> | undefined;
    if (!row) return undefined;
    delete row._metadata;
    return Object.values(row)[0];
  };
  try {
    try {
      value("SELECT count(*) FROM sqlite_master");
    } catch (error) {
      throw new AppError(
        "BACKUP_SNAPSHOT_UNREADABLE",
        "The snapshot in the backup does not open with its keyring's data key.",
        { cause: error },
      );
    }
    const integrity = options.integrity ? String(value("PRAGMA integrity_check")) : "skipped";
    const tables = (
      raw
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((r) => r.name);
    const rowCounts: Record<string, number> = {};
    for (const name of tables) rowCounts[name] = Number(value(`SELECT count(*) FROM "${name.replaceAll('"', '""')}"`));
    const migrations = tables.includes("schema_migrations")
      ? (raw.prepare("SELECT name FROM schema_migrations ORDER BY name").all() as { name: string }[]).map((r) => r.name)
      : [];
    const newest = tables.includes("audit_log")
      ? (raw.prepare("SELECT seq, at, action FROM audit_log ORDER BY seq DESC LIMIT 1").get() as
          | { seq: number; at: number; action: string }
          | undefined)
      : undefined;
    const newestAudit = newest
      ? { seq: Number(newest.seq), at: Number(newest.at), action: String(newest.action) }
      : null;
    return { integrity, migrations, rowCounts, newestAudit };
  } finally {
    raw.close();
  }
}
