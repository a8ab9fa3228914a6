import type { Db } from "../../store/database.ts";
import { type Migration, migrationStatus } from "../../store/migrate.ts";
import { erasureLogState } from "../privacy/erasure-log.ts";

export type Readiness = {
  ready: boolean;
  /** Why the instance is not ready (or degraded); a short code, never data. */
  reason?:
    | "database_closed"
    | "database_error"
    | "migrations_pending"
    | "storage_full"
    | "erasure_log_invalid"
    | "backup_failed"
    | "backup_mirror_failed";
  checks: {
    database: "ok" | "closed" | "error";
    migrations: "ok" | "pending";
    storage: "ok" | "full";
    erasureLog: "ok" | "invalid";
    /** Present only when the last backup (or its drill, or its mirror copy) failed. */
    backup?: "failed" | "mirror_failed";
  };
};

/**
 * What readiness looks at: the open database, the migrations this build ships, (with the data
 * directory) the erasure log's last check, and the last backup's outcome.
 */
export type ReadinessDeps = {
  db: Db;
  migrations: Migration[];
  dataDir?: string;
  backups?: { health(): { failed: boolean; mirrorFailed: boolean; lastSuccessAt?: string | null } };
};

/** Ready = the database answers and every migration is applied; a full disk is reported as degraded. */
export function checkReadiness(deps: ReadinessDeps): Readiness {
  const { db } = deps;
  // A changed or unreadable erasure log: erased people could come back with a restore, and no new
  // erasure can be recorded. Serving goes on (degraded) while an admin looks.
  const erasureLog = deps.dataDir === undefined ? "ok" : erasureLogState(deps.dataDir);
  if (!db.open)
    return {
      ready: false,
      reason: "database_closed",
      checks: { database: "closed", migrations: "pending", storage: "ok", erasureLog },
    };
  let pending: boolean;
  try {
    db.ping();
    pending = migrationStatus(db, deps.migrations).some((m) => m.state !== "applied");
  } catch {
    return {
      ready: false,
      reason: "database_error",
      checks: { database: "error", migrations: "pending", storage: "ok", erasureLog },
    };
  }
  const storage = db.storageFull ? "full" : "ok";
  if (pending)
    return {
      ready: false,
      reason: "migrations_pending",
      checks: { database: "ok", migrations: "pending", storage, erasureLog },
    };
  // A failed backup or drill, or a changed erasure log, does not stop serving, but the operator must
  // see it: degraded, with the reason.
  const backup = deps.backups?.health();
  const backupCheck = backup?.failed
    ? ("failed" as const)
    : backup?.mirrorFailed
      ? ("mirror_failed" as const)
      : undefined;
  const reason = db.storageFull
    ? ("storage_full" as const)
    : erasureLog === "invalid"
      ? ("erasure_log_invalid" as const)
      : backupCheck === "failed"
        ? ("backup_failed" as const)
        : backupCheck === "mirror_failed"
          ? ("backup_mirror_failed" as const)
          : undefined;
  return {
    ready: true,
    ...(reason ? { reason } : {}),
    checks: { database: "ok", migrations: "ok", storage, erasureLog, ...(backupCheck ? { backup: backupCheck } : {}) },
  };
}
