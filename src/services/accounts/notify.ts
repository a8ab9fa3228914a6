import { errorFields } from "../../lib/logger.ts";
import { findUserById } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";

/** Security notices emailed to a user when SMTP is configured. They name no IP and carry no secret. */
export type Notice =
  | "new_sign_in"
  | "password_changed"
  | "password_reset"
  | "mfa_enabled"
  | "mfa_disabled"
  | "mfa_changed"
  | "mfa_reset_by_admin"
  | "email_changed";

const TEXT: Record<Notice, { subject: string; body: string }> = {
  new_sign_in: {
    subject: "New sign-in to Loupe",
    body: "Your Loupe account was signed in to from a browser that had not signed in before.",
  },
  password_changed: {
    subject: "Your Loupe password was changed",
    body: "The password of your Loupe account was changed, and your other sessions were signed out.",
  },
  password_reset: {
    subject: "Your Loupe password was reset",
    body: "The password of your Loupe account was reset with a reset link, and all your sessions were signed out.",
  },
  mfa_enabled: {
    subject: "Two-factor authentication is on",
    body: "Two-factor authentication was turned on for your Loupe account.",
  },
  mfa_disabled: {
    subject: "Two-factor authentication is off",
    body: "Two-factor authentication was turned off for your Loupe account.",
  },
  mfa_changed: {
    subject: "Your two-factor settings changed",
    body: "New recovery codes were made for your Loupe account; the old ones no longer work.",
  },
  mfa_reset_by_admin: {
    subject: "Your two-factor authentication was reset",
    body: "An administrator of this Loupe installation removed two-factor authentication from your account, and all your sessions were signed out.",
  },
  email_changed: {
    subject: "Your Loupe email address was changed",
    body: "The email address of your Loupe account was changed.",
  },
};

const FOOTER = "\n\nIf this was not you, contact your Loupe administrator at once.\n";

/** Sends a notice in the background; a mail failure is logged by user id and never fails the request. */
export function notifyUser(
  ctx: ServiceContext,
  userId: string,
  notice: Notice,
  toEmail?: string,
): Promise<void> | undefined {
  if (!ctx.mailer) return undefined;
  const to = toEmail ?? findUserById(ctx.db, userId)?.email;
  if (!to) return undefined;
  const text = TEXT[notice];
  return ctx.mailer.send({ to, subject: text.subject, text: text.body + FOOTER }).then(
    () => ctx.logger.info("mail.sent", { code: notice, userId }),
    (error: unknown) => ctx.logger.warn("mail.failed", { code: notice, userId, ...errorFields(error) }),
  );
}

/** Sends a mail with a link (password reset); awaited, since the link is the point. */
export async function sendLinkMail(ctx: ServiceContext, to: string, subject: string, body: string): Promise<void> {
  if (!ctx.mailer) return;
  await ctx.mailer.send({ to, subject, text: body + FOOTER });
}
