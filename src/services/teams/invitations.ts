import { AppError } from "../../lib/app-error.ts";
import { randomId, sha256Hex } from "../../lib/crypto.ts";
import { normalizeEmail } from "../../shared/email.ts";
import type { InvitationPreview, PublicInvitation } from "../../shared/teams.ts";
import {
  findInvitationByHash,
  findMembership,
  findTeam,
  insertInvitation,
  insertMembership,
  listInvitations,
  markInvitationAccepted,
  revokeInvitation,
} from "../../store/teams.ts";
import { findUserByEmail, findUserById } from "../../store/users.ts";
import { sendLinkMail } from "../accounts/notify.ts";
import { type Account, insertPreparedUser, prepareUser, recordUserCreated, toAccount } from "../accounts/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { Role } from "../authz.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { accessChangedAfterCommit } from "../live/bus.ts";
import type { TeamAccess } from "./access.ts";

/**
 * Invitations: the only way into a team (the instance admin included). A one-time link valid 7 days,
 * emailed when SMTP is configured, otherwise shown to the owner once; accepting needs an account with
 * the invited email address.
 */
export const INVITATION_TTL_MS = 7 * 86_400_000;

export function listTeamInvitations(ctx: ServiceContext, access: TeamAccess): PublicInvitation[] {
  const now = ctx.clock.now();
  return listInvitations(ctx.db, access.team.id).map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    createdAt: new Date(i.created_at).toISOString(),
    expiresAt: new Date(i.expires_at).toISOString(),
    state:
      i.accepted_at !== null
        ? "accepted"
        : i.revoked_at !== null
          ? "revoked"
          : i.expires_at <= now
            ? "expired"
            : "pending",
  }));
}

export function inviteMember(
  ctx: ServiceContext,
  input: { access: TeamAccess; fields: { email: string; role: Role } },
): { invitation: PublicInvitation; url: string | null; emailed: boolean } {
  const { access, fields } = input;
  const email = normalizeEmail(fields.email);
  const token = randomId(32);
  const id = randomId();
  const now = ctx.clock.now();
  ctx.db.write(() => {
    insertInvitation(ctx.db, {
      id,
      team_id: access.team.id,
      email,
      role: fields.role,
      token_hash: sha256Hex(token),
      created_by: access.userId,
      created_at: now,
      expires_at: now + INVITATION_TTL_MS,
    });
    appendAudit(ctx, { action: "invitation.created", actorId: access.userId, targetId: id, teamId: access.team.id });
  });
  // The admin UI's invitation page; the token rides in the fragment, which never reaches a server log or a Referer.
  const url = `${ctx.publicOrigin}/invitation#token=${token}`;
  const emailed = ctx.mailer !== undefined;
  if (emailed) {
    sendLinkMail(
      ctx,
      email,
      `You are invited to ${access.team.name} on Loupe`,
      `You are invited to join ${access.team.name} on Loupe. Open this link within 7 days:\n\n${url}`,
    ).catch((error: unknown) =>
      ctx.logger.warn("mail.failed", {
        code: "invitation",
        targetId: id,
        errorName: error instanceof Error ? error.name : "error",
      }),
    );
  }
  const invitation = listTeamInvitations(ctx, access).find((i) => i.id === id)!;
  // Without SMTP the owner passes the link on; with it, the link goes only to the invitee.
  return { invitation, url: emailed ? null : url, emailed };
}

export function revokeTeamInvitation(ctx: ServiceContext, input: { access: TeamAccess; invitationId: string }): void {
  const { access, invitationId } = input;
  ctx.db.write(() => {
    if (revokeInvitation(ctx.db, access.team.id, invitationId, ctx.clock.now()) === 0)
      throw notFound("No such pending invitation.");
    appendAudit(ctx, {
      action: "invitation.revoked",
      actorId: access.userId,
      targetId: invitationId,
      teamId: access.team.id,
    });
  });
}

/**
 * What the holder of an invitation link may see before acting on it: the team, who invited, the
 * invited address and role, and whether that address has an account (sign in) or not (register).
 * The register route reveals the latter to the same holder anyway.
 */
export function previewInvitation(ctx: ServiceContext, token: string): InvitationPreview {
  const invitation = findInvitationByHash(ctx.db, sha256Hex(token));
  if (
    !invitation ||
    invitation.accepted_at !== null ||
    invitation.revoked_at !== null ||
    invitation.expires_at <= ctx.clock.now()
  )
    throw invalidInvitation();
  const team = findTeam(ctx.db, invitation.team_id);
  if (!team) throw invalidInvitation();
  return {
    teamName: team.name,
    invitedBy: findUserById(ctx.db, invitation.created_by)?.display_name ?? null,
    email: invitation.email,
    role: invitation.role,
    expiresAt: new Date(invitation.expires_at).toISOString(),
    hasAccount: findUserByEmail(ctx.db, invitation.email) !== undefined,
  };
}

function invalidInvitation(): AppError {
  return new AppError("TOKEN_INVALID", "This invitation is invalid, used, revoked or expired; ask for a new one.", {
    fields: [{ field: "token", message: "Invalid or expired." }],
  });
}

/** Accepts an invitation as the signed-in user, whose email must be the invited one. */
export function acceptInvitation(
  ctx: ServiceContext,
  input: { user: Account; token: string },
): { teamId: string; role: Role } {
  const { user, token } = input;
  const invitation = findInvitationByHash(ctx.db, sha256Hex(token));
  const now = ctx.clock.now();
  if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null || invitation.expires_at <= now)
    throw invalidInvitation();
  if (invitation.email !== user.email) {
    throw new AppError(
      "INVITATION_EMAIL_MISMATCH",
      "This invitation is for another email address: sign in with that one.",
    );
  }
  ctx.db.write(() => {
    if (findMembership(ctx.db, invitation.team_id, user.id))
      throw new AppError("ALREADY_MEMBER", "You are already a member of this team.");
    if (markInvitationAccepted(ctx.db, invitation.id, user.id, now) === 0) throw invalidInvitation();
    insertMembership(ctx.db, { team_id: invitation.team_id, user_id: user.id, role: invitation.role, created_at: now });
    accessChangedAfterCommit(ctx, { kind: "user", userId: user.id });
    appendAudit(ctx, {
      action: "invitation.accepted",
      actorId: user.id,
      targetId: invitation.id,
      teamId: invitation.team_id,
    });
    appendAudit(ctx, { action: "member.added", actorId: user.id, targetId: user.id, teamId: invitation.team_id });
  });
  return { teamId: invitation.team_id, role: invitation.role };
}

/**
 * Creates the account for an invited address (no account yet) and accepts the invitation with it, in
 * one transaction: an invitation revoked or expired meanwhile leaves no account behind. The password
 * is hashed before the transaction (a write callback is synchronous).
 */
export async function registerWithInvitation(
  ctx: ServiceContext,
  input: { token: string; displayName: string; password: string },
): Promise<{ teamId: string; role: Role }> {
  const invitation = findInvitationByHash(ctx.db, sha256Hex(input.token));
  const now = ctx.clock.now();
  if (!invitation || invitation.accepted_at !== null || invitation.revoked_at !== null || invitation.expires_at <= now)
    throw invalidInvitation();
  if (findUserByEmail(ctx.db, invitation.email)) {
    throw new AppError("EMAIL_TAKEN", "An account with the invited address exists: sign in and accept the invitation.");
  }
  const prepared = await prepareUser(ctx, {
    email: invitation.email,
    displayName: input.displayName,
    password: input.password,
    isInstanceAdmin: false,
  });
  // acceptInvitation checks the invitation again, now inside the transaction that creates the user.
  const joined = ctx.db.write(() =>
    acceptInvitation(ctx, { user: toAccount(insertPreparedUser(ctx, prepared)), token: input.token }),
  );
  recordUserCreated(ctx, prepared);
  return joined;
}

export type { PublicInvitation };
