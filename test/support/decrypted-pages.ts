import { existsSync, statSync } from "node:fs";
import type { Db } from "../../src/store/database.ts";

export type PageHit = { page: number; table: string };

/**
 * The one canary scanner of the deletion tests. The files on disk are encrypted, so a grep of them
 * finds nothing whatever happened; this reads the *decrypted* pages instead (`sqlite_dbpage` through
 * the keyed connection) and says which table (dbstat; "(free)" for a freelist page) holds each hit.
 *
 * WAL: sqlite_dbpage shows only the newest version of each page, while older frames of a page stay in
 * the WAL file until a checkpoint, so reading before a checkpoint (or through a second connection)
 * would miss them. Hence: checkpoint(TRUNCATE) first — every frame goes into the database file and the
 * WAL is emptied (asserted) — then scan every page of the file, free ones included. Nothing on disk is
 * left unread. Callers first prove the scan finds their canary before the deletion.
 */
export function decryptedPagesWith(db: Db, needle: string): PageHit[] {
  const result = db.get<{ busy: number; log: number; checkpointed: number }>("PRAGMA wal_checkpoint(TRUNCATE)");
  if (result?.busy !== 0) throw new Error("the WAL could not be checkpointed: another connection is reading");
  const wal = `${db.path}-wal`;
  if (existsSync(wal) && statSync(wal).size !== 0) throw new Error("the WAL is not empty after a TRUNCATE checkpoint");
  const tableOf = new Map(
    db.all<{ name: string; pageno: number }>("SELECT name, pageno FROM dbstat").map((r) => [r.pageno, r.name]),
  );
  const bytes = Buffer.from(needle, "utf8");
  const hits: PageHit[] = [];
  for (const { pgno, data } of db.all<{ pgno: number; data: Uint8Array }>("SELECT pgno, data FROM sqlite_dbpage")) {
    if (Buffer.from(data).includes(bytes)) hits.push({ page: pgno, table: tableOf.get(pgno) ?? "(free)" });
  }
  return hits;
}

/** The tables whose decrypted pages hold `needle` (see decryptedPagesWith). */
export function tablesWith(db: Db, needle: string): string[] {
  return [...new Set(decryptedPagesWith(db, needle).map((h) => h.table))].sort();
}
