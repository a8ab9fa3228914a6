import { AppError } from "../../lib/app-error.ts";
import { normalizeEmail } from "../../shared/email.ts";
import * as sessionRows from "../../store/sessions.ts";
import { revokeUserApiTokens } from "../../store/tokens.ts";
import {
  findUserByEmail,
  findUserById,
  listUsers,
  setDisplayName,
  setEmail,
  setUserDisabled,
  type UserRow,
} from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { accessChangedAfterCommit } from "../live/bus.ts";
import { recordEvent } from "./events.ts";
import { notifyUser } from "./notify.ts";
import { type Account, type PublicUser, toAccount, toPublicUser } from "./users.ts";

/** Instance-admin operations on accounts. Being the operator opens no team's data (teams issue). */
export function listAllUsers(ctx: ServiceContext): PublicUser[] {
  return listUsers(ctx.db).map((u) => toPublicUser(ctx, toAccount(u)));
}

function target(ctx: ServiceContext, userId: string): UserRow {
  const user = findUserById(ctx.db, userId);
  if (!user) throw notFound("No such user.");
  return user;
}

/** Disabling ends every session of the user at once. */
export function disableUser(ctx: ServiceContext, input: { adminId: string; userId: string }): void {
  const { adminId, userId } = input;
  const user = target(ctx, userId);
  if (user.id === adminId) throw new AppError("OWN_ACCOUNT", "You cannot disable your own account.");
  const now = ctx.clock.now();
  ctx.db.write(() => {
    setUserDisabled(ctx.db, user.id, now, now);
    sessionRows.revokeUserSessions(ctx.db, user.id, "user_disabled", now);
    revokeUserApiTokens(ctx.db, user.id, now);
    accessChangedAfterCommit(ctx, { kind: "user", userId: user.id });
    appendAudit(ctx, { action: "user.disabled", actorId: adminId, targetId: user.id });
  });
  recordEvent(ctx, { type: "user.disabled", userId: user.id, actorId: adminId, targetId: user.id });
}

export function enableUser(ctx: ServiceContext, input: { adminId: string; userId: string }): void {
  const { adminId, userId } = input;
  const user = target(ctx, userId);
  ctx.db.write(() => {
    setUserDisabled(ctx.db, user.id, null, ctx.clock.now());
    appendAudit(ctx, { action: "user.enabled", actorId: adminId, targetId: user.id });
  });
  recordEvent(ctx, { type: "user.enabled", userId: user.id, actorId: adminId, targetId: user.id });
}

/** "Log this user out everywhere", by an instance admin. */
export function revokeUserSessions(ctx: ServiceContext, input: { adminId: string; userId: string }): number {
  const { adminId, userId } = input;
  const user = target(ctx, userId);
  const count = ctx.db.write(() => {
    appendAudit(ctx, { action: "sessions.revoked_by_admin", actorId: adminId, targetId: user.id });
    revokeUserApiTokens(ctx.db, user.id, ctx.clock.now());
    accessChangedAfterCommit(ctx, { kind: "user", userId: user.id });
    return sessionRows.revokeUserSessions(ctx.db, user.id, "revoked_by_admin", ctx.clock.now());
  });
  recordEvent(ctx, { type: "sessions.revoked_by_admin", userId: user.id, actorId: adminId, targetId: user.id });
  return count;
}

/** Changes the display name, and (after re-authentication, checked by the caller) the email. */
export function updateProfile(
  ctx: ServiceContext,
  input: { user: Account; changes: { displayName?: string; email?: string } },
): Account {
  const { user, changes } = input;
  const now = ctx.clock.now();
  const email = changes.email === undefined ? undefined : normalizeEmail(changes.email);
  const oldEmail = user.email;
  ctx.db.write(() => {
    if (email !== undefined && email !== user.email) {
      if (findUserByEmail(ctx.db, email)) {
        throw new AppError("EMAIL_TAKEN", "An account with this email address exists.", {
          fields: [{ field: "email", message: "Already in use." }],
        });
      }
      setEmail(ctx.db, user.id, email, now);
    }
    if (changes.displayName !== undefined) setDisplayName(ctx.db, user.id, changes.displayName.trim(), now);
  });
  if (email !== undefined && email !== oldEmail) {
    recordEvent(ctx, { type: "email.changed", userId: user.id });
    notifyUser(ctx, user.id, "email_changed", oldEmail);
  }
  return toAccount(target(ctx, user.id));
}
