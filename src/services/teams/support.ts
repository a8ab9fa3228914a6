import { invalidField } from "../../lib/app-error.ts";
import { randomId } from "../../lib/crypto.ts";
import type { SupportAccessState } from "../../shared/teams.ts";
import { activeSupportAccess, insertSupportAccess, revokeSupportAccess } from "../../store/teams.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import type { TeamAccess } from "./access.ts";

/**
 * Support access: an owner lets the instance admin read the team's feedback for a limited time
 * (default 24 h), revocable; recorded in the team's trail and the instance trail.
 */
export function getSupportAccess(ctx: ServiceContext, access: TeamAccess): SupportAccessState {
  const row = activeSupportAccess(ctx.db, access.team.id, ctx.clock.now());
  return { active: row !== undefined, expiresAt: row ? new Date(row.expires_at).toISOString() : null };
}

export function grantSupportAccess(
  ctx: ServiceContext,
  input: { access: TeamAccess; hours: number },
): SupportAccessState {
  const { access, hours } = input;
  if (hours < 1 || hours > 24 * 7) throw invalidField("hours", "From 1 to 168.", "Between 1 hour and 7 days.");
  const now = ctx.clock.now();
  const id = randomId();
  ctx.db.write(() => {
    revokeSupportAccess(ctx.db, access.team.id, now);
    insertSupportAccess(ctx.db, {
      id,
      team_id: access.team.id,
      granted_by: access.userId,
      granted_at: now,
      expires_at: now + hours * 3600_000,
    });
    appendAudit(ctx, {
      action: "support_access.granted",
      actorId: access.userId,
      targetId: id,
      teamId: access.team.id,
    });
    appendAudit(ctx, {
      action: "support_access.granted",
      actorId: access.userId,
      targetId: access.team.id,
      teamId: null,
    });
  });
  return getSupportAccess(ctx, access);
}

export function endSupportAccess(ctx: ServiceContext, access: TeamAccess): SupportAccessState {
  ctx.db.write(() => {
    if (revokeSupportAccess(ctx.db, access.team.id, ctx.clock.now()) > 0) {
      appendAudit(ctx, {
        action: "support_access.revoked",
        actorId: access.userId,
        targetId: access.team.id,
        teamId: access.team.id,
      });
      appendAudit(ctx, {
        action: "support_access.revoked",
        actorId: access.userId,
        targetId: access.team.id,
        teamId: null,
      });
    }
  });
  return getSupportAccess(ctx, access);
}

export type { SupportAccessState };
