import { deleteActivityEventsBefore } from "../store/events.ts";
import { deleteExpiredChallenges } from "../store/mfa.ts";
import { deleteExpiredAuthRequests } from "../store/oidc.ts";
import {
  allProjectSettings,
  hardDeleteItems,
  projectItemsBefore,
  reporterIdentitiesThrough,
} from "../store/privacy.ts";
import { deleteEndedSessions } from "../store/sessions.ts";
import { deleteEndedInvitations } from "../store/teams.ts";
import { deleteExpiredOneTimeTokens } from "../store/tokens.ts";
import { getInstanceSettings } from "./accounts/settings.ts";
import { logAuditHead, pruneAudit } from "./audit/audit.ts";
import type { ServiceContext } from "./context.ts";
import { purgeOldTrash } from "./feedback/feedback.ts";
import { reapplyErasures } from "./privacy/data-subject.ts";
import { pruneErasureLog, readErasureLog } from "./privacy/erasure-log.ts";
import { projectSettings } from "./projects.ts";
import { pruneIdempotencyIds } from "./widget/widget.ts";

const DAY = 86_400_000;
/** Activity events (sign-ins and the like) are kept 90 days. */
export const ACTIVITY_RETENTION_MS = 90 * DAY;
/** Ended sessions, challenges and expired one-time tokens are deleted a day after they ended. */
export const ENDED_GRACE_MS = DAY;
/** No session outlives the longest absolute lifetime the instance settings allow (24 hours). */
export const SESSION_MAX_LIFETIME_MS = 24 * 3600_000;
/** Invitations are listed for 30 days after they were accepted, revoked or expired, then deleted. */
export const INVITATION_HISTORY_MS = 30 * DAY;

export type RetentionResult = {
  activityDeleted: number;
  auditPruned: number;
  trashPurged: number;
  /** Items past their project's retention period, deleted for good. */
  retentionPurged: number;
  /** Items deleted again because the erasure log names their reporter (after a restore). */
  erasuresReapplied: number;
  sessionsDeleted: number;
  challengesDeleted: number;
  invitationsDeleted: number;
  tokensDeleted: number;
  /** "invalid": the erasure log failed its check (reported as an error; /readyz degraded). */
  erasureLog: "ok" | "invalid";
};

/**
 * The daily housekeeping, also run after every restore before the server serves: re-apply the erasure
 * log, delete items past their project's retention period, the trash past 30 days, activity events past
 * 90 days, audit entries past the instance's audit retention (with a checkpoint), ended sessions,
 * sign-in challenges, one-time tokens and invitations, and widget idempotency ids past 7 days; then
 * write the audit head to the log. Idempotent: a second run deletes nothing more.
 */
export function runDailyRetention(ctx: ServiceContext): RetentionResult {
  const now = ctx.clock.now();
  const log = readErasureLog(ctx);
  // Matched outside the write lock (hashing the reporters takes a while on a large instance): an item
  // created meanwhile is newer than every logged erasure, so it could not match anyway.
  const through = log.entries.reduce((latest, e) => Math.max(latest, e.at), 0);
  const erased =
    log.entries.length === 0 ? [] : reapplyErasures(ctx, log.entries, reporterIdentitiesThrough(ctx.db, through));
  const erasuresReapplied = erased.length === 0 ? 0 : ctx.db.write(() => hardDeleteItems(ctx.db, erased).items);
  if (log.state === "ok") pruneErasureLog(ctx, log.entries);
  const retentionPurged = ctx.db.write(() => {
    let purged = 0;
    for (const project of allProjectSettings(ctx.db)) {
      const days = projectSettings(project).retentionDays;
      if (days === null) continue;
      purged += hardDeleteItems(ctx.db, projectItemsBefore(ctx.db, project.id, now - days * DAY)).items;
    }
    return purged;
  });
  const trashPurged = purgeOldTrash(ctx);
  const activityDeleted = ctx.db.write(() => deleteActivityEventsBefore(ctx.db, now - ACTIVITY_RETENTION_MS));
  const auditPruned = pruneAudit(ctx, getInstanceSettings(ctx).auditRetentionDays * DAY);
  const ended = ctx.db.write(() => {
    const sessionsDeleted = deleteEndedSessions(
      ctx.db,
      now - ENDED_GRACE_MS,
      now - SESSION_MAX_LIFETIME_MS - ENDED_GRACE_MS,
    );
    // Sign-in challenges live 5 minutes; their rows go a day later.
    const challengesDeleted = deleteExpiredChallenges(ctx.db, now);
    deleteExpiredAuthRequests(ctx.db, now);
    const tokensDeleted = deleteExpiredOneTimeTokens(ctx.db, now - ENDED_GRACE_MS);
    const invitationsDeleted = deleteEndedInvitations(ctx.db, now - INVITATION_HISTORY_MS);
    return { sessionsDeleted, challengesDeleted, tokensDeleted, invitationsDeleted };
  });
  // Widget idempotency ids are remembered 7 days.
  pruneIdempotencyIds(ctx);
  // Purged rows' old page versions leave the WAL now (their freed pages are zeroed: secure_delete).
  if (erasuresReapplied + retentionPurged + trashPurged > 0) {
    try {
      ctx.db.checkpoint();
    } catch {
      // A reader holds the WAL; the next checkpoint moves the zeroed pages in.
    }
  }
  logAuditHead(ctx);
  ctx.logger.info("retention.done", {
    count: activityDeleted + auditPruned + trashPurged + retentionPurged + erasuresReapplied,
  });
  return {
    activityDeleted,
    auditPruned,
    trashPurged,
    retentionPurged,
    erasuresReapplied,
    ...ended,
    erasureLog: log.state,
  };
}
