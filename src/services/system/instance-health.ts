import type { InstanceHealth } from "../../shared/system.ts";
import { countRecords, databaseSize, diskSpace } from "../../store/instance-stats.ts";
import type { ServiceContext } from "../context.ts";
import { checkReadiness, type ReadinessDeps } from "./readiness.ts";

/**
 * The operator's view of the instance (instance admins only, never public): the readiness probe's
 * state with its reason, the version and runtime, the database's size on disk, free disk space,
 * whether email goes out, and how much the instance holds.
 */
export function instanceHealth(
  ctx: Pick<ServiceContext, "db" | "mailer" | "clock">,
  deps: ReadinessDeps & { version: string },
): InstanceHealth {
  const readiness = checkReadiness(deps);
  const status = !readiness.ready ? "not_ready" : readiness.reason ? "degraded" : "ready";
  const open = readiness.checks.database === "ok";
  const disk = diskSpace(ctx.db);
  return {
    status,
    reason: readiness.reason ?? null,
    checks: readiness.checks,
    version: deps.version,
    runtime: `Bun ${Bun.version}`,
    database: open ? databaseSize(ctx.db) : null,
    disk: disk ?? null,
    email: ctx.mailer !== undefined,
    counts: open ? countRecords(ctx.db) : null,
    backup: deps.backups ? { lastSuccessAt: deps.backups.health().lastSuccessAt ?? null } : null,
    checkedAt: new Date(ctx.clock.now()).toISOString(),
  };
}
