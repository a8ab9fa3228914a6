// Invariant: migrations apply in file-name order, each whole or not at all, exactly once; an applied
// file that changed, or an applied migration this version does not know, stops the start.
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import type { AppError } from "../../src/lib/app-error.ts";
import { type Db, openDatabase } from "../../src/store/database.ts";
import { type Migration, migrate, migrationStatus, migrationsComplete } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { tempDir } from "../support/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function freshDb(): Db {
  const dir = tempDir();
  const db = openDatabase(join(dir.path, "m.db"), "11".repeat(32));
  cleanups.push(() => {
    db.close();
    dir.remove();
  });
  return db;
}

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error("expected a failure");
}

const A: Migration = { name: "0001_a.sql", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT);" };
const B: Migration = {
  name: "0002_b.sql",
  sql: "INSERT INTO a (v) VALUES ('from b'); CREATE TABLE b (id INTEGER PRIMARY KEY);",
};
const C: Migration = { name: "0010_c.sql", sql: "ALTER TABLE b ADD COLUMN w TEXT;" };

test("applies in file-name order whatever order they are given in, and records checksums", () => {
  const db = freshDb();
  expect(migrate(db, [C, A, B])).toEqual(["0001_a.sql", "0002_b.sql", "0010_c.sql"]);
  const rows = db.all<{ name: string; checksum: string }>("SELECT name, checksum FROM schema_migrations ORDER BY name");
  expect(rows.map((r) => r.name)).toEqual(["0001_a.sql", "0002_b.sql", "0010_c.sql"]);
  for (const r of rows) expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
  expect(migrationsComplete(db, [A, B, C])).toBe(true);
});

test("a re-run is idempotent: nothing applied twice", () => {
  const db = freshDb();
  migrate(db, [A, B]);
  expect(migrate(db, [A, B])).toEqual([]);
  expect(db.get<{ n: number }>("SELECT count(*) AS n FROM a")?.n).toBe(1);
  expect(migrate(db, [A, B, C])).toEqual(["0010_c.sql"]);
});

test("an applied migration whose file changed is refused, naming the file", () => {
  const db = freshDb();
  migrate(db, [A, B]);
  const edited = { ...B, sql: B.sql + " -- edited" };
  const error = failure(() => migrate(db, [A, edited, C]));
  expect(error.code).toBe("MIGRATION_CHANGED");
  expect(error.message).toContain("0002_b.sql");
  // Nothing after it was applied either.
  expect(migrationStatus(db, [A, edited, C]).map((s) => s.state)).toEqual(["applied", "changed", "pending"]);
});

test("a database migrated by a newer version is refused", () => {
  const db = freshDb();
  migrate(db, [A, B]);
  expect(failure(() => migrate(db, [A])).code).toBe("MIGRATION_UNKNOWN");
});

test("a failing migration leaves nothing of itself behind", () => {
  const db = freshDb();
  const broken: Migration = {
    name: "0002_broken.sql",
    sql: "CREATE TABLE half (id INTEGER); INSERT INTO nowhere VALUES (1);",
  };
  const error = failure(() => migrate(db, [A, broken]));
  expect(error.code).toBe("MIGRATION_FAILED");
  expect(db.get("SELECT name FROM sqlite_master WHERE name = 'half'")).toBeUndefined();
  expect(migrationStatus(db, [A, broken]).map((s) => s.state)).toEqual(["applied", "pending"]);
});

test("bad file names and duplicate numbers are refused before anything runs", () => {
  const db = freshDb();
  expect(failure(() => migrate(db, [{ name: "1_a.sql", sql: "" }])).code).toBe("MIGRATION_INVALID");
  expect(failure(() => migrate(db, [A, { name: "0001_other.sql", sql: "" }])).code).toBe("MIGRATION_INVALID");
});

test("the shipped migrations apply cleanly to a fresh database", () => {
  const db = freshDb();
  const shipped = bundledMigrations();
  expect(shipped.length).toBeGreaterThan(0);
  migrate(db, shipped);
  expect(migrationsComplete(db, shipped)).toBe(true);
  expect(db.pragma("foreign_key_check")).toBeUndefined();
});
