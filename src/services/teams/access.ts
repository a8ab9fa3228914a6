import { AppError } from "../../lib/app-error.ts";
import { findTotp } from "../../store/mfa.ts";
import {
  activeSupportAccess,
  findMembership,
  findTeam,
  type TeamRow,
  teamActivity,
  touchTeamActivity,
} from "../../store/teams.ts";
import { recordEvent } from "../accounts/events.ts";
import type { CheckedSession } from "../accounts/sessions.ts";
import type { Account } from "../accounts/users.ts";
import { type Role, roleAllows, SUPPORT_READABLE, type TeamAction } from "../authz.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";

/** Who acts in a team, and how: a member with a role, or an instance admin under support access. */
export type TeamAccess = { team: TeamRow; userId: string; role: Role | null; via: "member" | "support" };

/**
 * Resolves the caller's access to a team for one action, live on every request: no membership → 404
 * (the same answer as a team that does not exist); the team's security policy (MFA, shorter
 * inactivity timeout, SSO) → 403/401; a role without the action → 403.
 */
export function resolveTeamAccess(
  ctx: ServiceContext,
  input: { teamId: string; user: Account; session: CheckedSession | undefined; action: TeamAction; maxRole?: Role },
): TeamAccess {
  const team = findTeam(ctx.db, input.teamId);
  const membership = team ? findMembership(ctx.db, team.id, input.user.id) : undefined;
  const support =
    team !== undefined &&
    membership === undefined &&
    input.user.is_instance_admin === 1 &&
    SUPPORT_READABLE.includes(input.action) &&
    supportSessionAllowed(ctx, input.user, input.session) &&
    activeSupportAccess(ctx.db, team.id, ctx.clock.now()) !== undefined;
  if (!team || (!membership && !support)) {
    recordEvent(ctx, {
      type: "access.denied",
      userId: input.user.id,
      teamId: input.teamId.slice(0, 64),
      targetId: input.action,
      outcome: "failure",
    });
    throw notFound();
  }
  // The team's policy applies to whoever reads its data, the operator under support access included.
  applyTeamPolicy(ctx, team, input.user, input.session);
  if (support) return { team, userId: input.user.id, role: null, via: "support" };
  // API tokens act with at most their own role (team tokens) or a member's (personal tokens): the
  // owners' access-control actions need a browser session.
  const rank: Record<Role, number> = { reporter: 1, member: 2, owner: 3 };
  const cap = input.maxRole ?? (input.session ? undefined : "member");
  const role: Role = cap && rank[cap] < rank[membership!.role] ? cap : membership!.role;
  if (!roleAllows(role, input.action)) {
    recordEvent(ctx, {
      type: "access.denied",
      userId: input.user.id,
      teamId: team.id,
      targetId: input.action,
      outcome: "failure",
    });
    throw new AppError("FORBIDDEN", "Your role in this team does not allow this.");
  }
  return { team, userId: input.user.id, role, via: "member" };
}

/**
 * Support access is for the operator at a browser, never for an API token (a leaked token must not
 * read a team's data), and only with a second factor: confirmed TOTP or an MFA-attested session.
 */
function supportSessionAllowed(ctx: ServiceContext, user: Account, session: CheckedSession | undefined): boolean {
  if (!session) return false;
  return findTotp(ctx.db, user.id)?.confirmed_at != null || (JSON.parse(session.amr) as string[]).includes("mfa");
}

/** When the team's own shorter inactivity timeout ends this session's access to it (undefined: the team sets none). */
export function teamIdleDeadline(ctx: ServiceContext, team: TeamRow, session: { id: string; created_at: number }) {
  if (team.session_idle_minutes === null) return undefined;
  const last = teamActivity(ctx.db, session.id, team.id) ?? session.created_at;
  return last + team.session_idle_minutes * 60_000;
}

function teamIdleRefusal(
  ctx: ServiceContext,
  team: TeamRow,
  session: CheckedSession | undefined,
): AppError | undefined {
  const deadline = session ? teamIdleDeadline(ctx, team, session) : undefined;
  if (deadline === undefined || ctx.clock.now() <= deadline) return undefined;
  return new AppError(
    "TEAM_SESSION_IDLE",
    "This team signs you out after a shorter inactivity; sign in again (or confirm it is you) to go on.",
  );
}

/** The team's MFA and SSO requirements, as this user and session meet them. */
function teamRequirementRefusal(
  ctx: ServiceContext,
  team: TeamRow,
  user: Account,
  session: CheckedSession | undefined,
): AppError | undefined {
  if (team.mfa_required === 1) {
    // Enrolled users passed their second factor at sign-in; an IdP's MFA counts only if the team says so.
    const enrolled = findTotp(ctx.db, user.id)?.confirmed_at != null;
    const idpAttested =
      team.idp_mfa_accepted === 1 && session !== undefined && (JSON.parse(session.amr) as string[]).includes("mfa");
    if (!enrolled && !idpAttested)
      return new AppError(
        "MFA_ENROLMENT_REQUIRED",
        "This team requires two-factor authentication: set it up to go on.",
      );
  }
  if (team.sso_required === 1) {
    // Only a browser session signed in through one of the team's providers proves SSO; tokens do not.
    const providers = JSON.parse(team.sso_provider_ids) as string[];
    const via = session
      ? (JSON.parse(session.amr) as string[]).find((m) => m.startsWith("provider:"))?.slice("provider:".length)
      : undefined;
    if (!via || (providers.length > 0 && !providers.includes(via))) {
      return new AppError("SSO_REQUIRED", "This team requires signing in with its single sign-on provider.");
    }
  }
  return undefined;
}

function applyTeamPolicy(ctx: ServiceContext, team: TeamRow, user: Account, session: CheckedSession | undefined): void {
  const idle = teamIdleRefusal(ctx, team, session);
  if (idle) throw idle;
  if (team.session_idle_minutes !== null && session) {
    const now = ctx.clock.now();
    const last = teamActivity(ctx.db, session.id, team.id) ?? session.created_at;
    if (now - last >= 60_000 || last === session.created_at)
      ctx.db.write(() => touchTeamActivity(ctx.db, session.id, team.id, now));
  }
  const refusal = teamRequirementRefusal(ctx, team, user, session);
  if (refusal) throw refusal;
}

/**
 * The access resolveTeamAccess would give a browser session for one action, read only: nothing is
 * recorded and the team's activity is not touched (the live-update stream checks every event with
 * it, and an open stream is not activity). Undefined where resolveTeamAccess would refuse.
 */
export function peekTeamAccess(
  ctx: ServiceContext,
  input: { teamId: string; user: Account; session: CheckedSession; action: TeamAction },
): TeamAccess | undefined {
  const team = findTeam(ctx.db, input.teamId);
  if (!team) return undefined;
  const membership = findMembership(ctx.db, team.id, input.user.id);
  const support =
    membership === undefined &&
    input.user.is_instance_admin === 1 &&
    SUPPORT_READABLE.includes(input.action) &&
    supportSessionAllowed(ctx, input.user, input.session) &&
    activeSupportAccess(ctx.db, team.id, ctx.clock.now()) !== undefined;
  if (!membership && !support) return undefined;
  if (teamIdleRefusal(ctx, team, input.session) || teamRequirementRefusal(ctx, team, input.user, input.session))
    return undefined;
  if (support) return { team, userId: input.user.id, role: null, via: "support" };
  if (!roleAllows(membership!.role, input.action)) return undefined;
  return { team, userId: input.user.id, role: membership!.role, via: "member" };
}
