import { deleteActivityEventsBefore } from "../store/events.ts";
import { deleteExpiredChallenges } from "../store/mfa.ts";
import { getInstanceSettings } from "./accounts/settings.ts";
import { logAuditHead, pruneAudit } from "./audit/audit.ts";
import type { ServiceContext } from "./context.ts";
import { purgeOldTrash } from "./feedback/feedback.ts";
import { pruneIdempotencyIds } from "./widget/widget.ts";

/** Activity events (sign-ins and the like) are kept 90 days. */
export const ACTIVITY_RETENTION_MS = 90 * 86_400_000;

/**
 * The daily housekeeping: delete activity events past 90 days, audit entries past the instance's
 * audit retention (with a checkpoint), feedback in the trash for more than 30 days and widget
 * idempotency ids past 7 days, then write the audit head to the log. Idempotent.
 */
export function runDailyRetention(ctx: ServiceContext): {
  activityDeleted: number;
  auditPruned: number;
  trashPurged: number;
} {
  const now = ctx.clock.now();
  const activityDeleted = ctx.db.write(() => deleteActivityEventsBefore(ctx.db, now - ACTIVITY_RETENTION_MS));
  const auditPruned = pruneAudit(ctx, getInstanceSettings(ctx).auditRetentionDays * 86_400_000);
  const trashPurged = purgeOldTrash(ctx);
  // Sign-in challenges live 5 minutes; their rows go a day later.
  ctx.db.write(() => deleteExpiredChallenges(ctx.db, now));
  // Widget idempotency ids are remembered 7 days.
  pruneIdempotencyIds(ctx);
  logAuditHead(ctx);
  ctx.logger.info("retention.done", { count: activityDeleted + auditPruned + trashPurged });
  return { activityDeleted, auditPruned, trashPurged };
}
