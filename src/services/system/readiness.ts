import type { Db } from "../../store/database.ts";
import { type Migration, migrationStatus } from "../../store/migrate.ts";

export type Readiness = {
  ready: boolean;
  /** Why the instance is not ready (or degraded); a short code, never data. */
  reason?: "database_closed" | "database_error" | "migrations_pending" | "storage_full";
  checks: { database: "ok" | "closed" | "error"; migrations: "ok" | "pending"; storage: "ok" | "full" };
};

/** What readiness looks at: the open database and the migrations this build ships. */
export type ReadinessDeps = { db: Db; migrations: Migration[] };

/** Ready = the database answers and every migration is applied; a full disk is reported as degraded. */
export function checkReadiness(deps: ReadinessDeps): Readiness {
  const { db } = deps;
  if (!db.open)
    return {
      ready: false,
      reason: "database_closed",
      checks: { database: "closed", migrations: "pending", storage: "ok" },
    };
  let pending: boolean;
  try {
    db.ping();
    pending = migrationStatus(db, deps.migrations).some((m) => m.state !== "applied");
  } catch {
    return {
      ready: false,
      reason: "database_error",
      checks: { database: "error", migrations: "pending", storage: "ok" },
    };
  }
  const storage = db.storageFull ? "full" : "ok";
  if (pending)
    return { ready: false, reason: "migrations_pending", checks: { database: "ok", migrations: "pending", storage } };
  return {
    ready: true,
    ...(db.storageFull ? { reason: "storage_full" as const } : {}),
    checks: { database: "ok", migrations: "ok", storage },
  };
}
