import { AppError } from "../../lib/app-error.ts";
import { randomId } from "../../lib/crypto.ts";
import { checkPasswordPolicy, type PasswordProblem } from "../../lib/password.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { findTotp } from "../../store/mfa.ts";
import { findUserByEmail, insertUser, type UserRow } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { recordEvent } from "./events.ts";
import { appendAudit } from "../audit/audit.ts";
import type { PublicUser } from "../../shared/accounts.ts";

/**
 * A user as the HTTP layer holds it: the row without its password hash, which never leaves the
 * services (the verbs that check a password read it themselves).
 */
export type Account = Omit<UserRow, "password_hash"> & { has_password: boolean };

export function toAccount(row: UserRow): Account {
  const { password_hash, ...rest } = row;
  return { ...rest, has_password: password_hash !== null };
}

export function toPublicUser(ctx: Pick<ServiceContext, "db">, user: Account | UserRow): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    isInstanceAdmin: user.is_instance_admin === 1,
    mfaEnabled: hasConfirmedTotp(ctx, user.id),
    hasPassword: "has_password" in user ? user.has_password : user.password_hash !== null,
    disabled: user.disabled_at !== null,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

export function hasConfirmedTotp(ctx: Pick<ServiceContext, "db">, userId: string): boolean {
  return (findTotp(ctx.db, userId)?.confirmed_at ?? null) !== null;
}

const POLICY_TEXT: Record<PasswordProblem, string> = {
  TOO_SHORT: "The password must have at least 12 characters.",
  TOO_LONG: "The password may have at most 256 characters.",
  COMMON: "This password is on a list of commonly used passwords; choose another.",
  CONTEXT: "The password must not be your email address or your name.",
};

/** Throws PASSWORD_POLICY with the reason, naming the field, when the password is not acceptable. */
export function assertPasswordAcceptable(password: string, context: string[], field = "password"): void {
  const problem = checkPasswordPolicy(password, context);
  if (problem) {
    throw new AppError("PASSWORD_POLICY", POLICY_TEXT[problem], { fields: [{ field, message: POLICY_TEXT[problem] }],
    });
  }
}

/** Creates a user (email normalised and unique; password checked against the policy, then hashed). */
export async function createUser(
  ctx: ServiceContext,
  input: { email: string; displayName: string; password: string | null; isInstanceAdmin: boolean; actorId?: string | null },
): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  const displayName = input.displayName.trim();
  if (input.password !== null) assertPasswordAcceptable(input.password, [email, email.split("@")[0] ?? "", displayName]);
  const passwordHash = input.password === null ? null : await ctx.passwords.hash(input.password);
  const id = randomId();
  ctx.db.write(() => {
    if (findUserByEmail(ctx.db, email)) {
      throw new AppError("EMAIL_TAKEN", "An account with this email address exists.", { fields: [{ field: "email", message: "Already in use." }],
      });
    }
    insertUser(ctx.db, { id, email, displayName, passwordHash, isInstanceAdmin: input.isInstanceAdmin, now: ctx.clock.now() });
    // Making an instance admin is an access-control change (and starts the audit chain on setup).
    if (input.isInstanceAdmin) appendAudit(ctx, { action: "admin.created", actorId: input.actorId ?? null, targetId: id });
  });
  recordEvent(ctx, { type: "user.created", userId: id, actorId: input.actorId ?? id });
  const user = findUserByEmail(ctx.db, email);
  if (!user) throw new Error("user vanished after insert");
  return user;
}

export type { PublicUser };
