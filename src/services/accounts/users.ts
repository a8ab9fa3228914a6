import { AppError } from "../../lib/app-error.ts";
import { randomId } from "../../lib/crypto.ts";
import { checkPasswordPolicy, type PasswordProblem } from "../../lib/password.ts";
import type { PublicUser } from "../../shared/accounts.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { findTotp } from "../../store/mfa.ts";
import { findUserByEmail, insertUser, type UserRow } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { recordEvent } from "./events.ts";

/**
 * A user as the HTTP layer holds it: the row without its password hash, which never leaves the
 * services (the verbs that check a password read it themselves).
 */
export type Account = Omit<UserRow, "password_hash"> & { has_password: boolean };

export function toAccount(row: UserRow): Account {
  const { password_hash, ...rest } = row;
  return { ...rest, has_password: password_hash !== null };
}

export function toPublicUser(ctx: Pick<ServiceContext, "db">, user: Account): PublicUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.display_name,
    isInstanceAdmin: user.is_instance_admin === 1,
    mfaEnabled: hasConfirmedTotp(ctx, user.id),
    hasPassword: user.has_password,
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
    throw new AppError("PASSWORD_POLICY", POLICY_TEXT[problem], { fields: [{ field, message: POLICY_TEXT[problem] }] });
  }
}

/** A user ready to insert: email normalised, password checked against the policy and hashed (the slow part). */
export type PreparedUser = {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  isInstanceAdmin: boolean;
  actorId: string | null;
};

/** What a new account is made of; `password` null for accounts that only sign in with SSO. */
export type NewUser = {
  email: string;
  displayName: string;
  password: string | null;
  isInstanceAdmin: boolean;
  actorId?: string | null;
};

/** Everything of creating a user that must happen before the transaction (argon2 is asynchronous). */
export async function prepareUser(ctx: ServiceContext, input: NewUser): Promise<PreparedUser> {
  const email = normalizeEmail(input.email);
  const displayName = input.displayName.trim();
  if (input.password !== null)
    assertPasswordAcceptable(input.password, [email, email.split("@")[0] ?? "", displayName]);
  const passwordHash = input.password === null ? null : await ctx.passwords.hash(input.password);
  return {
    id: randomId(),
    email,
    displayName,
    passwordHash,
    isInstanceAdmin: input.isInstanceAdmin,
    actorId: input.actorId ?? null,
  };
}

/** Inserts a prepared user inside the caller's transaction (409 EMAIL_TAKEN when the address is in use). */
export function insertPreparedUser(ctx: ServiceContext, user: PreparedUser): UserRow {
  return ctx.db.write(() => {
    if (findUserByEmail(ctx.db, user.email)) {
      throw new AppError("EMAIL_TAKEN", "An account with this email address exists.", {
        fields: [{ field: "email", message: "Already in use." }],
      });
    }
    insertUser(ctx.db, {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      passwordHash: user.passwordHash,
      isInstanceAdmin: user.isInstanceAdmin,
      now: ctx.clock.now(),
    });
    // Making an instance admin is an access-control change (and starts the audit chain on setup).
    if (user.isInstanceAdmin) appendAudit(ctx, { action: "admin.created", actorId: user.actorId, targetId: user.id });
    const row = findUserByEmail(ctx.db, user.email);
    if (!row) throw new Error("user vanished after insert");
    return row;
  });
}

/** Records the creation of a user, once its transaction committed. */
export function recordUserCreated(ctx: ServiceContext, user: PreparedUser): void {
  recordEvent(ctx, { type: "user.created", userId: user.id, actorId: user.actorId ?? user.id });
}

/** Creates a user (email normalised and unique; password checked against the policy, then hashed). */
export async function createUser(ctx: ServiceContext, input: NewUser): Promise<UserRow> {
  const prepared = await prepareUser(ctx, input);
  const user = insertPreparedUser(ctx, prepared);
  recordUserCreated(ctx, prepared);
  return user;
}

export type { PublicUser };
