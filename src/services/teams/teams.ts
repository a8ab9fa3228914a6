import type * as v from "valibot";
import { AppError } from "../../lib/app-error.ts";
import { randomId } from "../../lib/crypto.ts";
import type { PolicyInput, PublicMember, PublicTeam } from "../../shared/teams.ts";
import { findTotp } from "../../store/mfa.ts";
import * as teamRows from "../../store/teams.ts";
import {
  countOwners,
  deleteMembership,
  findMembership,
  insertMembership,
  insertTeam,
  listMembers,
  listTeamsOfUser,
  type MembershipRow,
  setRole,
  type TeamRow,
  teamsSolelyOwnedBy,
} from "../../store/teams.ts";
import { deleteUser } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { Role } from "../authz.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { accessChangedAfterCommit } from "../live/bus.ts";
import type { TeamAccess } from "./access.ts";

export function toPublicTeam(team: TeamRow, role: Role | null): PublicTeam {
  return {
    id: team.id,
    name: team.name,
    role,
    policy: {
      mfaRequired: team.mfa_required === 1,
      sessionIdleMinutes: team.session_idle_minutes,
      ssoRequired: team.sso_required === 1,
      ssoProviderIds: JSON.parse(team.sso_provider_ids) as string[],
      idpMfaAccepted: team.idp_mfa_accepted === 1,
    },
    createdAt: new Date(team.created_at).toISOString(),
  };
}

/** A new team; its creator is its first owner. */
export function createTeam(ctx: ServiceContext, input: { userId: string; name: string }): PublicTeam {
  const { userId, name } = input;
  const id = randomId();
  const now = ctx.clock.now();
  ctx.db.write(() => {
    insertTeam(ctx.db, { id, name, now });
    insertMembership(ctx.db, { team_id: id, user_id: userId, role: "owner", created_at: now });
    appendAudit(ctx, { action: "team.created", actorId: userId, targetId: id, teamId: id });
    appendAudit(ctx, { action: "member.added", actorId: userId, targetId: userId, teamId: id });
  });
  return listMyTeams(ctx, userId).find((t) => t.id === id)!;
}

export function listMyTeams(ctx: ServiceContext, userId: string): PublicTeam[] {
  return listTeamsOfUser(ctx.db, userId).map((t) => toPublicTeam(t, t.role));
}

export function renameTeam(ctx: ServiceContext, input: { access: TeamAccess; name: string }): PublicTeam {
  const { access, name } = input;
  ctx.db.write(() => {
    teamRows.renameTeam(ctx.db, access.team.id, name, ctx.clock.now());
    appendAudit(ctx, {
      action: "team.renamed",
      actorId: access.userId,
      targetId: access.team.id,
      teamId: access.team.id,
    });
  });
  return toPublicTeam({ ...access.team, name }, access.role);
}

/** A change of the team policy as the API validates it (src/shared/teams.ts). */
export type PolicyChanges = v.InferOutput<typeof PolicyInput>;

/** Changes the team's security policy; each changed part is an audit entry. */
export function updateTeamPolicy(
  ctx: ServiceContext,
  input: { access: TeamAccess; changes: PolicyChanges; session: { amr: string } | undefined },
): PublicTeam {
  const { access, changes, session } = input;
  const before = toPublicTeam(access.team, access.role).policy;
  const next = { ...before, ...changes };
  // An owner cannot lock themselves out with the policy they set.
  if (next.mfaRequired && !before.mfaRequired && !(findTotp(ctx.db, access.userId)?.confirmed_at ?? null)) {
    throw new AppError("POLICY_WOULD_LOCK_OUT", "Turn on two-factor authentication for yourself before requiring it.");
  }
  if (next.ssoRequired) {
    const via = (JSON.parse(session?.amr ?? "[]") as string[])
      .find((m) => m.startsWith("provider:"))
      ?.slice("provider:".length);
    if (!via || (next.ssoProviderIds.length > 0 && !next.ssoProviderIds.includes(via))) {
      throw new AppError("POLICY_WOULD_LOCK_OUT", "Sign in with one of the team's SSO providers before requiring it.");
    }
  }
  const teamId = access.team.id;
  const actorId = access.userId;
  ctx.db.write(() => {
    teamRows.updateTeamPolicy(ctx.db, teamId, next, ctx.clock.now());
    accessChangedAfterCommit(ctx, { kind: "team", teamId });
    if (next.mfaRequired !== before.mfaRequired || next.idpMfaAccepted !== before.idpMfaAccepted) {
      appendAudit(ctx, { action: "team.mfa_requirement_changed", actorId, teamId, targetId: teamId });
    }
    if (next.sessionIdleMinutes !== before.sessionIdleMinutes)
      appendAudit(ctx, { action: "team.session_timeout_changed", actorId, teamId, targetId: teamId });
    if (
      next.ssoRequired !== before.ssoRequired ||
      JSON.stringify(next.ssoProviderIds) !== JSON.stringify(before.ssoProviderIds)
    ) {
      appendAudit(ctx, { action: "team.sso_changed", actorId, teamId, targetId: teamId });
    }
  });
  return toPublicTeam(
    {
      ...access.team,
      mfa_required: next.mfaRequired ? 1 : 0,
      session_idle_minutes: next.sessionIdleMinutes,
      sso_required: next.ssoRequired ? 1 : 0,
      sso_provider_ids: JSON.stringify(next.ssoProviderIds),
      idp_mfa_accepted: next.idpMfaAccepted ? 1 : 0,
    },
    access.role,
  );
}

/** Deletes the team and everything in it (the caller checked re-authentication). */
export function deleteTeam(ctx: ServiceContext, access: TeamAccess): void {
  ctx.db.write(() => {
    teamRows.deleteTeam(ctx.db, access.team.id);
    accessChangedAfterCommit(ctx, { kind: "team", teamId: access.team.id });
    appendAudit(ctx, {
      action: "team.deleted",
      actorId: access.userId,
      targetId: access.team.id,
      teamId: access.team.id,
    });
    // The team's own trail has no reader left: the instance trail keeps the record.
    appendAudit(ctx, { action: "team.deleted", actorId: access.userId, targetId: access.team.id, teamId: null });
  });
}

export function listTeamMembers(ctx: ServiceContext, access: TeamAccess): PublicMember[] {
  return listMembers(ctx.db, access.team.id).map((m) => ({
    userId: m.user_id,
    displayName: m.display_name,
    email: m.email,
    role: m.role,
    since: new Date(m.created_at).toISOString(),
  }));
}

function lastOwner(): AppError {
  return new AppError("LAST_OWNER", "A team always keeps at least one owner: make someone else owner first.");
}

export function changeMemberRole(ctx: ServiceContext, input: { access: TeamAccess; userId: string; role: Role }): void {
  const { access, userId, role } = input;
  const teamId = access.team.id;
  ctx.db.write(() => {
    const membership = findMembership(ctx.db, teamId, userId);
    if (!membership) throw notFound("No such member.");
    if (membership.role === role) return;
    if (membership.role === "owner" && countOwners(ctx.db, teamId) === 1) throw lastOwner();
    setRole(ctx.db, teamId, userId, role);
    accessChangedAfterCommit(ctx, { kind: "user", userId });
    appendAudit(ctx, { action: "member.role_changed", actorId: access.userId, targetId: userId, teamId });
  });
}

export function removeMember(ctx: ServiceContext, input: { access: TeamAccess; userId: string }): void {
  const { access, userId } = input;
  const teamId = access.team.id;
  ctx.db.write(() => {
    const membership: MembershipRow | undefined = findMembership(ctx.db, teamId, userId);
    if (!membership) throw notFound("No such member.");
    if (membership.role === "owner" && countOwners(ctx.db, teamId) === 1) throw lastOwner();
    deleteMembership(ctx.db, teamId, userId);
    accessChangedAfterCommit(ctx, { kind: "user", userId });
    appendAudit(ctx, { action: "member.removed", actorId: access.userId, targetId: userId, teamId });
  });
}

/** Deletes one's own account, unless one is the last owner of a team. */
export function deleteOwnAccount(ctx: ServiceContext, userId: string): void {
  ctx.db.write(() => {
    const sole = teamsSolelyOwnedBy(ctx.db, userId);
    if (sole.length > 0) {
      throw new AppError(
        "LAST_OWNER",
        `You are the only owner of ${sole.length} team(s): hand them over or delete them first.`,
      );
    }
    deleteUser(ctx.db, userId);
    accessChangedAfterCommit(ctx, { kind: "user", userId });
  });
}

export type { PublicMember, PublicTeam };
