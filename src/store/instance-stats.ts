import { existsSync, statfsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "./database.ts";

export type DatabaseSize = {
  /** The database file on disk (encrypted pages). */
  fileBytes: number;
  /** The write-ahead log beside it (moved into the file at checkpoints). */
  walBytes: number;
  /** Pages inside the file that hold nothing (reused before the file grows). */
  freeBytes: number;
};

const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

/** The database's size on disk: the file, its WAL and the free pages inside the file. */
export function databaseSize(db: Db): DatabaseSize {
  const pageSize = Number(db.pragma("page_size") ?? 0);
  const freePages = Number(db.pragma("freelist_count") ?? 0);
  return { fileBytes: fileSize(db.path), walBytes: fileSize(`${db.path}-wal`), freeBytes: pageSize * freePages };
}

/** Free and total bytes of the file system holding the database; undefined where it cannot be read. */
export function diskSpace(db: Db): { freeBytes: number; totalBytes: number } | undefined {
  try {
    const fs = statfsSync(dirname(db.path));
    return { freeBytes: fs.bavail * fs.bsize, totalBytes: fs.blocks * fs.bsize };
  } catch {
    return undefined;
  }
}

/** How much the instance holds: accounts, teams, projects, feedback items and audit entries. */
export function countRecords(db: Db): {
  users: number;
  teams: number;
  projects: number;
  feedback: number;
  auditEntries: number;
} {
  const row = db.get<{ users: number; teams: number; projects: number; feedback: number; audit: number }>(
    `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM teams) AS teams,
            (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM feedback_items) AS feedback,
            (SELECT count(*) FROM audit_log) AS audit`,
  );
  return {
    users: Number(row?.users ?? 0),
    teams: Number(row?.teams ?? 0),
    projects: Number(row?.projects ?? 0),
    feedback: Number(row?.feedback ?? 0),
    auditEntries: Number(row?.audit ?? 0),
  };
}
