import { AppError } from "../../lib/app-error.ts";
import { randomId, sha256Hex } from "../../lib/crypto.ts";
import { errorFields } from "../../lib/logger.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { expireOneTimeTokens, findOneTimeToken, insertOneTimeToken, useOneTimeToken } from "../../store/tokens.ts";
import { findUserByEmail, findUserById, setPasswordHash, type UserRow } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { recordEvent } from "./events.ts";
import { securityChanged } from "./mfa.ts";
import { notifyUser, sendLinkMail } from "./notify.ts";
import type { Account } from "./users.ts";
import { assertPasswordAcceptable } from "./users.ts";

export const RESET_TTL_MS = 30 * 60_000;

function policyContext(user: Pick<UserRow, "email" | "display_name">): string[] {
  return [user.email, user.email.split("@")[0] ?? "", user.display_name];
}

/** Changes the password (after re-authentication): every other session ends, the current one continues. */
export async function changePassword(
  ctx: ServiceContext,
  input: { user: Account; newPassword: string; currentSessionId: string },
): Promise<void> {
  const { user, newPassword, currentSessionId } = input;
  assertPasswordAcceptable(newPassword, policyContext(user), "newPassword");
  const hash = await ctx.passwords.hash(newPassword);
  ctx.db.write(() => {
    setPasswordHash(ctx.db, user.id, hash, ctx.clock.now());
    securityChanged(ctx, user.id, "password_changed", currentSessionId);
  });
  recordEvent(ctx, { type: "password.changed", userId: user.id });
  notifyUser(ctx, user.id, "password_changed");
}

function resetUrl(ctx: ServiceContext, token: string): string {
  // The token travels in the fragment, which browsers never send to a server or put in a Referer.
  return `${ctx.publicOrigin}/reset-password#token=${token}`;
}

function newResetToken(
  ctx: ServiceContext,
  userId: string,
  createdBy: string | null,
): { token: string; expiresAt: number } {
  const token = randomId(32);
  const now = ctx.clock.now();
  ctx.db.write(() => {
    expireOneTimeTokens(ctx.db, "password_reset", userId, now);
    insertOneTimeToken(ctx.db, {
      id: randomId(),
      purpose: "password_reset",
      hash: sha256Hex(token),
      userId,
      createdBy,
      now,
      expiresAt: now + RESET_TTL_MS,
    });
  });
  return { token, expiresAt: now + RESET_TTL_MS };
}

/** An instance admin makes a one-time reset link (256-bit token, 30 minutes) to hand to the user. */
export function createResetLink(
  ctx: ServiceContext,
  input: { adminId: string; userId: string },
): { url: string; expiresAt: string } {
  const { adminId, userId } = input;
  const user = findUserById(ctx.db, userId);
  if (!user) throw notFound("No such user.");
  const { token, expiresAt } = newResetToken(ctx, user.id, adminId);
  recordEvent(ctx, { type: "password_reset.link_created", userId: user.id, actorId: adminId, targetId: user.id });
  return { url: resetUrl(ctx, token), expiresAt: new Date(expiresAt).toISOString() };
}

/**
 * An instance admin emails the user a one-time reset link (SMTP only). Awaited: the admin is told
 * when the mail server refuses, and can show the link instead.
 */
export async function emailResetLink(
  ctx: ServiceContext,
  input: { adminId: string; userId: string },
): Promise<{ expiresAt: string }> {
  const { adminId, userId } = input;
  if (!ctx.mailer) throw new AppError("SMTP_NOT_CONFIGURED", "This server sends no email: show the link instead.");
  const user = findUserById(ctx.db, userId);
  if (!user) throw notFound("No such user.");
  const { token, expiresAt } = newResetToken(ctx, user.id, adminId);
  recordEvent(ctx, { type: "password_reset.link_created", userId: user.id, actorId: adminId, targetId: user.id });
  try {
    await sendLinkMail(
      ctx,
      user.email,
      "Reset your Loupe password",
      `An administrator of this Loupe installation sent you a link to choose a new password. Open it within 30 minutes:\n\n${resetUrl(ctx, token)}`,
    );
  } catch (error) {
    ctx.logger.warn("mail.failed", { code: "password_reset_by_admin", userId: user.id, ...errorFields(error) });
    throw new AppError("SERVICE_UNAVAILABLE", "The mail server did not take the message: show the link instead.");
  }
  return { expiresAt: new Date(expiresAt).toISOString() };
}

/** Self-service reset by email (SMTP only). Answers the same whether or not the address exists. */
export async function requestResetByEmail(ctx: ServiceContext, email: string): Promise<void> {
  if (!ctx.mailer) {
    // Expected on an instance without SMTP: an info event, not an error with a stack.
    ctx.logger.info("password_reset.unavailable", { code: "SMTP_NOT_CONFIGURED" });
    throw new AppError("SMTP_NOT_CONFIGURED", "Password reset by email is not available here; ask your administrator.");
  }
  const user = findUserByEmail(ctx.db, normalizeEmail(email));
  if (!user || user.disabled_at !== null || user.password_hash === null) return;
  const { token } = newResetToken(ctx, user.id, null);
  recordEvent(ctx, { type: "password_reset.link_created", userId: user.id, actorId: user.id, targetId: user.id });
  // Sent in the background: waiting for the mail server would tell known addresses from unknown ones.
  sendLinkMail(
    ctx,
    user.email,
    "Reset your Loupe password",
    `Someone asked to reset the password of your Loupe account. To choose a new one, open this link within 30 minutes:\n\n${resetUrl(ctx, token)}\n\nIf you did not ask for this, ignore this email.`,
  ).catch((error: unknown) =>
    ctx.logger.warn("mail.failed", { code: "password_reset", userId: user.id, ...errorFields(error) }),
  );
}

/**
 * Completes a reset: single use, 30 minutes, password policy. Every session ends (including any an
 * attacker holds) and no session is made here: signing in afterwards still needs the second factor.
 * The event is recorded for the user's teams to see.
 */
export async function completeReset(ctx: ServiceContext, input: { token: string; newPassword: string }): Promise<void> {
  const { token, newPassword } = input;
  const invalid = () =>
    new AppError("TOKEN_INVALID", "This reset link is invalid, used or expired; ask for a new one.", {
      fields: [{ field: "token", message: "Invalid or expired." }],
    });
  if (token.length > 128) throw invalid();
  const row = findOneTimeToken(ctx.db, "password_reset", sha256Hex(token));
  const now = ctx.clock.now();
  if (!row || row.used_at !== null || row.expires_at <= now || !row.user_id) throw invalid();
  const user = findUserById(ctx.db, row.user_id);
  if (!user) throw invalid();
  assertPasswordAcceptable(newPassword, policyContext(user), "newPassword");
  const hash = await ctx.passwords.hash(newPassword);
  ctx.db.write(() => {
    if (!useOneTimeToken(ctx.db, row.id, now)) throw invalid();
    setPasswordHash(ctx.db, user.id, hash, now);
    securityChanged(ctx, user.id, "password_reset");
  });
  recordEvent(ctx, {
    type: "password_reset.completed",
    userId: user.id,
    actorId: row.created_by ?? user.id,
    targetId: user.id,
  });
  notifyUser(ctx, user.id, "password_reset");
}
