import Database from "libsql";
import { AppError, StoreError } from "../lib/app-error.ts";

/**
 * The encrypted SQLite connection. libsql (SQLite3 Multiple Ciphers inside) encrypts every page of
 * the database file, its WAL and every VACUUM INTO snapshot with the data key.
 *
 * Note: libsql 0.5 crashes the process when a Buffer/Uint8Array is bound as a parameter under Bun.
 * Bind blobs as hex text wrapped in unhex(?) instead; reading blobs returns Buffers as usual.
 */
export type SqlValue = string | number | bigint | null;
export type Row = Record<string, unknown>;
type Params = SqlValue[] | [Record<string, SqlValue>];

/**
 * libsql throws a SqliteError with `code` (e.g. "SQLITE_FULL", message "database or disk is full") and
 * `rawCode` (13; extended codes carry the primary one in their low byte): a full disk and a busy database
 * are conditions to wait out, not failures (measured on a full tmpfs: test/faults.disk-full.test.ts).
 */
function mapSqliteError(error: unknown): unknown {
  const { code, rawCode } = (error ?? {}) as { code?: unknown; rawCode?: unknown };
  const primary = typeof rawCode === "number" ? rawCode & 0xff : undefined;
  if (code === "SQLITE_FULL" || primary === 13) return new StoreError("full", error);
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED" || primary === 5 || primary === 6)
    return new StoreError("busy", error);
  return error;
}

function stripMetadata<T extends Row>(row: T | undefined): T | undefined {
  if (row && typeof row === "object" && "_metadata" in row) delete (row as Row)._metadata;
  return row;
}

export type OpenOptions = { busyTimeoutMs?: number; readonly?: boolean };

export class Db {
  readonly path: string;
  #db: Database.Database;
  #inWrite = false;
  #afterCommit = new Map<string | symbol, () => void>();
  /** Prepared statements by SQL text: preparing is a large part of a point read's cost. */
  #statements = new Map<string, Database.Statement>();
  /** Set when a write failed for lack of space; cleared by the next write that succeeds. */
  storageFull = false;

  constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** One row as an array of column values (no object built): for the per-request hot path. */
  getValues(sql: string, ...params: Params): unknown[] | undefined {
    const key = `raw:${sql}`;
    let statement = this.#statements.get(key);
    if (!statement) {
      statement = this.#db.prepare(sql);
      statement.raw(true);
      this.#statements.set(key, statement);
    }
    try {
      return statement.get(...params) as unknown[] | undefined;
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  get<T extends Row = Row>(sql: string, ...params: Params): T | undefined {
    try {
      return stripMetadata(this.#prepare(sql).get(...params) as T | undefined);
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  all<T extends Row = Row>(sql: string, ...params: Params): T[] {
    try {
      const rows = this.#prepare(sql).all(...params) as T[];
      for (const row of rows) stripMetadata(row);
      return rows;
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  /** A write statement; only inside write(), so every write is in a BEGIN IMMEDIATE transaction. */
  run(sql: string, ...params: Params): { changes: number; lastInsertRowid: number | bigint } {
    if (!this.#inWrite) throw new Error("Db.run must be called inside Db.write()");
    try {
      const info = this.#prepare(sql).run(...params);
      return { changes: info.changes, lastInsertRowid: info.lastInsertRowid };
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  /** Runs SQL text with several statements: DDL in migrations, maintenance (VACUUM INTO). */
  exec(sql: string): void {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  /** A pragma's single value (libsql's pluck mode does not strip its metadata). */
  pragma(source: string): unknown {
    const row = this.get(`PRAGMA ${source}`);
    return row === undefined ? undefined : Object.values(row)[0];
  }

  /**
   * Runs `fn` in one BEGIN IMMEDIATE transaction: the write lock is taken up front, so a busy
   * database waits (busy_timeout) instead of failing halfway. `fn` must be synchronous.
   */
  write<T>(fn: (db: Db) => T): T {
    if (this.#inWrite) return fn(this);
    this.exec("BEGIN IMMEDIATE");
    this.#inWrite = true;
    this.#afterCommit = new Map();
    try {
      const result = fn(this);
      if (result instanceof Promise) throw new Error("Db.write callbacks must be synchronous");
      this.exec("COMMIT");
      this.storageFull = false;
      this.#inWrite = false;
      const callbacks = [...this.#afterCommit.values()];
      this.#afterCommit = new Map();
      for (const callback of callbacks) callback();
      return result;
    } catch (error) {
      this.#afterCommit = new Map();
      try {
        this.#db.exec("ROLLBACK");
      } catch {
        // SQLite may already have rolled back (e.g. after SQLITE_FULL); the original error matters.
      }
      throw this.#mapError(error);
    } finally {
      this.#inWrite = false;
    }
  }

  #mapError(error: unknown): unknown {
    const mapped = mapSqliteError(error);
    if (mapped instanceof StoreError && mapped.kind === "full") this.storageFull = true;
    return mapped;
  }

  /** Proves the connection answers (throws otherwise). */
  ping(): void {
    this.get("SELECT 1 AS ok");
  }

  /**
   * Runs `fn` once the current write transaction has committed (never if it rolls back). With a
   * `key`, a later callback replaces an earlier one of the same key (one run per transaction).
   */
  afterCommit(fn: () => void, key: string | symbol = Symbol()): void {
    if (!this.#inWrite) throw new Error("Db.afterCommit must be called inside Db.write()");
    this.#afterCommit.set(key, fn);
  }

  /** Moves the WAL into the database file and truncates it. */
  checkpoint(): void {
    this.get("PRAGMA wal_checkpoint(TRUNCATE)");
  }

  close(): void {
    this.#statements.clear();
    if (this.#db.open) this.#db.close();
  }

  get open(): boolean {
    return this.#db.open;
  }
}

/**
 * Opens (or creates) the encrypted database at `path` with the pragmas Loupe relies on, and proves
 * the key is right by reading the schema. A wrong key gives DATABASE_KEY_MISMATCH, not garbage.
 */
export function openDatabase(path: string, key: string, options: OpenOptions = {}): Db {
  let raw: Database.Database;
  try {
    // encryptionKey is read by libsql's constructor but missing from its type declarations.
    const libsqlOptions = { encryptionKey: key } as Database.Options;
    raw = new Database(path, libsqlOptions);
  } catch (error) {
    throw new AppError("DATABASE_OPEN_FAILED", `Cannot open the database file ${path}.`, { cause: error });
  }
  const db = new Db(path, raw);
  // First, before any read: a connection opened while another holds a lock (a checkpoint, a purge in
  // another process) waits for it instead of failing with SQLITE_BUSY (T-R4).
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  try {
    db.get("SELECT count(*) AS n FROM sqlite_master");
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === "SQLITE_NOTADB") {
      throw new AppError(
        "DATABASE_KEY_MISMATCH",
        `The database ${path} does not open with this key (wrong key, or not a Loupe database).`,
        { cause: error },
      );
    }
    throw error;
  }
  db.pragma("journal_mode = WAL");
  // FULL: an acknowledged write survives power loss, not only a process crash.
  db.pragma("synchronous = FULL");
  db.pragma("foreign_keys = ON");
  db.pragma("secure_delete = ON");
  db.pragma("temp_store = MEMORY");
  // 32 MiB of decrypted pages (SQLite's default is 2 MiB): the inbox's indexes for 100,000 items stay
  // in memory instead of being read and decrypted again on every page.
  db.pragma("cache_size = -32768");
  return db;
}
