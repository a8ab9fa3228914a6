import * as v from "valibot";

/** One audit-trail entry as the API returns it (ids only). */
export const AuditEntrySchema = v.object({
  seq: v.number(),
  at: v.string(),
  actorId: v.nullable(v.string()),
  action: v.string(),
  targetId: v.nullable(v.string()),
  teamId: v.nullable(v.string()),
});
export type PublicAuditEntry = v.InferOutput<typeof AuditEntrySchema>;

export const AuditVerificationSchema = v.object({
  ok: v.boolean(),
  checked: v.number(),
  lastSeq: v.number(),
  firstBroken: v.optional(v.object({ seq: v.number(), reason: v.string() })),
});
