import * as v from "valibot";

/** Schemas of the instance admins' backup routes (GET/POST /api/v1/instance/backups…). */

export const BackupNameSchema = v.pipe(v.string(), v.regex(/^loupe-\d{8}T\d{6}Z(?:-\d{1,3})?\.age$/), v.maxLength(40));

export const DrillResultSchema = v.object({
  ok: v.boolean(),
  at: v.string(),
  durationMs: v.number(),
  code: v.optional(v.string()),
  reason: v.optional(v.string()),
  auditEntries: v.optional(v.number()),
  /** The app booted on the restored copy: /readyz answered ready and the backup's known record came back. */
  boot: v.optional(v.object({ readyz: v.literal("ready"), knownRecord: v.nullable(v.string()) })),
});

export const BackupSchema = v.object({
  name: v.string(),
  createdAt: v.string(),
  bytes: v.number(),
  trigger: v.string(),
  schemaVersion: v.string(),
  loupeVersion: v.string(),
  rowCount: v.number(),
  drill: v.nullable(DrillResultSchema),
  mirror: v.nullable(v.object({ ok: v.boolean(), reason: v.optional(v.string()) })),
});
export type Backup = v.InferOutput<typeof BackupSchema>;

export const BackupJobSchema = v.object({
  id: v.string(),
  kind: v.picklist(["backup", "verify"]),
  state: v.picklist(["running", "succeeded", "failed"]),
  startedAt: v.string(),
  finishedAt: v.nullable(v.string()),
  backup: v.nullable(BackupSchema),
  target: v.nullable(v.string()),
  drill: v.nullable(DrillResultSchema),
  error: v.nullable(v.object({ code: v.string(), message: v.string() })),
});
export type BackupJob = v.InferOutput<typeof BackupJobSchema>;

export const BackupListSchema = v.object({
  backups: v.array(BackupSchema),
  /** The last attempt: failed (with its code and reason) or not. */
  status: v.nullable(
    v.object({
      ok: v.boolean(),
      at: v.string(),
      stage: v.optional(v.string()),
      code: v.optional(v.string()),
      reason: v.optional(v.string()),
      name: v.optional(v.string()),
      lastSuccessAt: v.optional(v.string()),
      mirrorFailed: v.optional(v.boolean()),
    }),
  ),
  schedule: v.object({ time: v.string(), mirror: v.boolean(), recipients: v.number() }),
});
