import * as v from "valibot";

/** Response schemas of the liveness and readiness probes (the admin UI's health page reads them too). */

export const HealthResponse = v.object({ status: v.literal("ok") });

export const ReadinessResponse = v.object({
  status: v.picklist(["ready", "degraded"]),
  checks: v.object({
    database: v.picklist(["ok", "closed", "error"]),
    migrations: v.picklist(["ok", "pending"]),
    storage: v.picklist(["ok", "full"]),
  }),
});
