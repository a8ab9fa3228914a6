import * as v from "valibot";

/** Response schemas of the liveness and readiness probes (the admin UI's health page reads them too). */

export const HealthResponse = v.object({ status: v.literal("ok") });

export const ReadinessResponse = v.object({
  status: v.picklist(["ready", "degraded"]),
  checks: v.object({
    database: v.picklist(["ok", "closed", "error"]),
    migrations: v.picklist(["ok", "pending"]),
    storage: v.picklist(["ok", "full"]),
    /** "invalid": the erasure log failed its integrity check (see the README's GDPR section). */
    erasureLog: v.picklist(["ok", "invalid"]),
    /** Only when the last backup, its restore drill or its mirror copy failed. */
    backup: v.optional(v.picklist(["failed", "mirror_failed"])),
  }),
  /** Why it is degraded, as a short code (only when degraded). */
  reason: v.optional(v.string()),
});

/** The instance admins' health view (GET /api/v1/instance/health): never served to anyone else. */
export const InstanceHealthSchema = v.object({
  status: v.picklist(["ready", "degraded", "not_ready"]),
  /** Why the instance is not ready or degraded: a short code (as /readyz gives in its detail). */
  reason: v.nullable(
    v.picklist([
      "database_closed",
      "database_error",
      "migrations_pending",
      "storage_full",
      "erasure_log_invalid",
      "backup_failed",
      "backup_mirror_failed",
    ]),
  ),
  checks: ReadinessResponse.entries.checks,
  version: v.string(),
  runtime: v.string(),
  database: v.nullable(v.object({ fileBytes: v.number(), walBytes: v.number(), freeBytes: v.number() })),
  disk: v.nullable(v.object({ freeBytes: v.number(), totalBytes: v.number() })),
  /** Whether SMTP is configured (reset links can be emailed). */
  email: v.boolean(),
  counts: v.nullable(
    v.object({
      users: v.number(),
      teams: v.number(),
      projects: v.number(),
      feedback: v.number(),
      auditEntries: v.number(),
    }),
  ),
  /** Backups, where the server runs them (null in a process without a backup schedule). */
  backup: v.nullable(v.object({ lastSuccessAt: v.nullable(v.string()) })),
  checkedAt: v.string(),
});
export type InstanceHealth = v.InferOutput<typeof InstanceHealthSchema>;
