import * as v from "valibot";
import { IdSchema } from "./common.ts";

export { AUDIT_ACTIONS, type AuditActionName } from "./audit-actions.ts";

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

/**
 * An entry of a team's trail for its owners: the ids, plus the names the owners can read anyway
 * (current members, the team's labels, projects, tokens and invited addresses); null for anything else.
 */
export const TeamAuditEntrySchema = v.object({
  ...AuditEntrySchema.entries,
  actorName: v.nullable(v.string()),
  actorEmail: v.nullable(v.string()),
  targetName: v.nullable(v.string()),
});
export type TeamAuditEntry = v.InferOutput<typeof TeamAuditEntrySchema>;
export const TeamAuditPageSchema = v.object({
  entries: v.array(TeamAuditEntrySchema),
  /** Pass as `before` for the next (older) page; null at the end of the trail. */
  nextBefore: v.nullable(v.string()),
});

/** An ISO 8601 date (a UTC day) or date-time with its zone. */
const Instant = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    "Expected an ISO 8601 date or date-time.",
  ),
  v.check((s) => !Number.isNaN(Date.parse(s)), "Expected an ISO 8601 date or date-time."),
);

const auditFilters = {
  /** Only this actor's entries (a user id). */
  actor: v.optional(IdSchema),
  /** One action (`member.role_changed`) or a whole group (`member`). */
  action: v.optional(v.pipe(v.string(), v.regex(/^[a-z_]{1,40}(\.[a-z_]{1,40})?$/, "Expected an action or group."))),
  /** From this instant on (inclusive). */
  from: v.optional(Instant),
  /** Before this instant (exclusive). */
  to: v.optional(Instant),
};
export const TeamAuditQuery = v.pipe(
  v.strictObject({
    ...auditFilters,
    /** Entries older than this sequence number (the previous page's `nextBefore`). */
    before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, "Expected a sequence number."))),
    limit: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[1-9]\d{0,2}$/, "Expected 1 to 500."),
        v.check((s) => Number(s) <= 500, "Expected 1 to 500."),
      ),
    ),
  }),
  v.forward(
    v.partialCheck(
      [["from"], ["to"]],
      (q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to),
      "Must be after `from`.",
    ),
    ["to"],
  ),
);
export const TeamAuditExportQuery = v.pipe(
  v.strictObject({ ...auditFilters, format: v.optional(v.picklist(["json", "csv"])) }),
  v.forward(
    v.partialCheck(
      [["from"], ["to"]],
      (q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to),
      "Must be after `from`.",
    ),
    ["to"],
  ),
);

export const AuditVerificationSchema = v.object({
  ok: v.boolean(),
  checked: v.number(),
  lastSeq: v.number(),
  firstBroken: v.optional(v.object({ seq: v.number(), reason: v.string() })),
});
