import type { Db } from "../../store/database.ts";
import { type Migration, migrationStatus } from "../../store/migrate.ts";
import { erasureLogState } from "../privacy/erasure-log.ts";

export type Readiness = {
  ready: boolean;
  /** Why the instance is not ready (or degraded); a short code, never data. */
  reason?: "database_closed" | "database_error" | "migrations_pending" | "storage_full" | "erasure_log_invalid";
  checks: {
    database: "ok" | "closed" | "error";
    migrations: "ok" | "pending";
    storage: "ok" | "full";
    erasureLog: "ok" | "invalid";
  };
};

/**
 * What readiness looks at: the open database, the migrations this build ships and (with the data
 * directory) the erasure log's last check.
 */
export type ReadinessDeps = { db: Db; migrations: Migration[]; dataDir?: string };

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
  const reason = db.storageFull
    ? ("storage_full" as const)
    : erasureLog === "invalid"
      ? ("erasure_log_invalid" as const)
      : undefined;
  return {
    ready: true,
    ...(reason ? { reason } : {}),
    checks: { database: "ok", migrations: "ok", storage, erasureLog },
  };
}
