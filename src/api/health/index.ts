import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import { publicAction } from "../../http/authorize.ts";
import { describeRoute, jsonContent, problemContent } from "../../http/openapi.ts";
import { AppError } from "../../lib/app-error.ts";
import { checkReadiness, type ReadinessDeps } from "../../services/system/readiness.ts";
import { HealthResponse, ReadinessResponse } from "../../shared/system.ts";

export type HealthDeps = ReadinessDeps;

/** Liveness (process alive) and readiness (database open, migrations applied) probes. */
export function healthRoutes(deps: HealthDeps) {
  return new Hono<AppEnv>()
    .get(
      "/healthz",
      publicAction,
      describeRoute({
        tags: ["system"],
        summary: "Liveness: the process is up",
        responses: { 200: { description: "Alive", content: jsonContent(HealthResponse) } },
      }),
      (c) => c.json({ status: "ok" as const }),
    )
    .get(
      "/readyz",
      publicAction,
      describeRoute({
        tags: ["system"],
        summary: "Readiness: the database is open and every migration applied",
        responses: {
          200: { description: "Ready, or degraded (e.g. storage full)", content: jsonContent(ReadinessResponse) },
          503: { description: "Not ready; `detail` says why", content: problemContent },
        },
      }),
      (c) => {
        const readiness = checkReadiness(deps);
        if (!readiness.ready) {
          // An expected answer (no stack), but an operator wants to see it: the reason is a short code.
          c.get("logger").warn("readiness.failed", { code: readiness.reason });
          throw new AppError("NOT_READY", `Not ready: ${readiness.reason}.`, { headers: { "Retry-After": "5" } });
        }
        return c.json({
          status: readiness.reason ? ("degraded" as const) : ("ready" as const),
          checks: readiness.checks,
          // The storage reason predates this field; the backup reasons are new and named here.
          ...(readiness.reason?.startsWith("backup_") ? { reason: readiness.reason } : {}),
        });
      },
    );
}
