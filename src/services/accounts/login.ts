import { AppError } from "../../lib/app-error.ts";
import { constantTimeEqual, randomId, sha256Hex } from "../../lib/crypto.ts";
import type { PasswordHasher } from "../../lib/password.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { failChallenge, findChallenge, insertChallenge, useChallenge } from "../../store/mfa.ts";
import { revokeSession } from "../../store/sessions.ts";
import { findUserByEmail, findUserById, setPasswordHash } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { issueDeviceCookie, markDeviceUsed, readDeviceCookie } from "./devices.ts";
import { recordEvent } from "./events.ts";
import { verifySecondFactor } from "./mfa.ts";
import { notifyUser } from "./notify.ts";
import { createSession, type IssuedSession } from "./sessions.ts";
import {
  ACCOUNT_POLICY,
  DEVICE_POLICY,
  isThrottled,
  recordFailure,
  recordSuccess,
  reserveAttempt,
  throttleKey,
} from "./throttle.ts";
import { type Account, hasConfirmedTotp, toAccount } from "./users.ts";

export const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
export const MFA_CHALLENGE_MAX_FAILURES = 5;
export const REAUTH_WINDOW_MS = 5 * 60_000;

/** A hash with the current parameters for unknown emails, so they cost what a known one costs. */
const dummyHashes = new WeakMap<PasswordHasher, Promise<string>>();
export function dummyHash(passwords: PasswordHasher): Promise<string> {
  let hash = dummyHashes.get(passwords);
  if (!hash) {
    hash = passwords.hash(randomId(32));
    dummyHashes.set(passwords, hash);
  }
  return hash;
}

function invalidCredentials(): AppError {
  return new AppError("INVALID_CREDENTIALS", "The email address or the password is wrong.");
}

export type LoginResult =
  | { kind: "session"; user: Account; session: IssuedSession; deviceCookie?: string; mfaEnrolmentRequired: boolean }
  /** `binding` goes into a cookie: the challenge can be completed only from this browser. */
  | { kind: "mfa"; challenge: string; binding: string; expiresAt: number; deviceCookie?: string };

/**
 * Password login. The same status, body and work (one argon2id verify) for an unknown email and a
 * wrong password. Failures are limited per account (100/h + back-off) for browsers without a
 * device cookie of that account, and per device for those with one.
 */
export async function login(
  ctx: ServiceContext,
  input: { email: string; password: string; deviceCookie?: string; userAgent: string },
): Promise<LoginResult> {
  const email = normalizeEmail(input.email);
  const user = findUserByEmail(ctx.db, email);
  const device = readDeviceCookie(ctx, input.deviceCookie);
  const deviceKey = device ? throttleKey(ctx, "device", device.id) : undefined;
  const trusted =
    device !== undefined &&
    user !== undefined &&
    device.userId === user.id &&
    !isThrottled(ctx, deviceKey!, DEVICE_POLICY);
  const key = trusted ? deviceKey! : throttleKey(ctx, "account", email);
  const policy = trusted ? DEVICE_POLICY : ACCOUNT_POLICY;
  let endAttempt: () => void;
  try {
    endAttempt = reserveAttempt(ctx, key, policy);
  } catch (error) {
    // Recorded for unknown emails too (without a user), so both cost the same work.
    recordEvent(ctx, { type: "login.locked_out", userId: user?.id ?? null, outcome: "failure" });
    throw error;
  }
  let ok: boolean;
  try {
    if (user?.password_hash != null) {
      ok = await ctx.passwords.verify(user.password_hash, input.password);
    } else {
      // Unknown email: the same argon2id work as a known one, and never a match.
      await ctx.passwords.verify(await dummyHash(ctx.passwords), input.password);
      ok = false;
    }
  } finally {
    endAttempt();
  }
  if (!ok || !user) {
    recordFailure(ctx, key, policy);
    recordEvent(ctx, { type: "login.failed", userId: user?.id ?? null, outcome: "failure" });
    throw invalidCredentials();
  }
  // The back-off resets in the session's own transaction (one fsync on the sign-in path).
  const giveBack = () => recordSuccess(ctx, key);
  if (user.disabled_at !== null) {
    giveBack();
    recordEvent(ctx, { type: "login.failed", userId: user.id, outcome: "failure" });
    throw new AppError("ACCOUNT_DISABLED", "This account is disabled. Ask your administrator.");
  }
  if (ctx.passwords.needsRehash(user.password_hash!)) {
    const rehashed = await ctx.passwords.hash(input.password);
    ctx.db.write(() => setPasswordHash(ctx.db, user.id, rehashed, ctx.clock.now()));
  }
  if (trusted) markDeviceUsed(ctx, device!);
  if (!trusted) notifyUser(ctx, user.id, "new_sign_in");

  if (hasConfirmedTotp(ctx, user.id)) {
    giveBack();
    const { challenge, binding } = createMfaChallenge(ctx, user.id, "password", ["pwd"], null, device?.id ?? null);
    // With MFA on, a browser becomes known to the account only once it passed the second factor too
    // (completeMfa): knowing the password must not buy device cookies, each with its own code allowance.
    return { kind: "mfa", challenge, binding, expiresAt: ctx.clock.now() + MFA_CHALLENGE_TTL_MS };
  }
  const deviceCookie = trusted ? undefined : issueDeviceCookie(ctx, user.id);
  const mfaEnrolmentRequired = user.is_instance_admin === 1;
  const session = await createSession(ctx, {
    user,
    method: "password",
    amr: ["pwd"],
    userAgent: input.userAgent,
    mfaEnrolmentRequired,
    event: "login.succeeded",
    alsoInTransaction: giveBack,
  });
  return {
    kind: "session",
    user: toAccount(user),
    session,
    mfaEnrolmentRequired,
    ...(deviceCookie ? { deviceCookie } : {}),
  };
}

/** Creates the MFA challenge of a sign-in whose first factor passed (password or SSO), bound to the browser. */
export function createMfaChallenge(
  ctx: ServiceContext,
  userId: string,
  method: string,
  amr: string[],
  returnTo: string | null,
  deviceId: string | null = null,
): { challenge: string; binding: string } {
  const challenge = randomId(32);
  const binding = randomId(32);
  const now = ctx.clock.now();
  ctx.db.write(() =>
    insertChallenge(ctx.db, {
      id: challenge,
      userId,
      method,
      amr,
      deviceId,
      returnTo,
      now,
      expiresAt: now + MFA_CHALLENGE_TTL_MS,
      browserHash: sha256Hex(binding),
    }),
  );
  return { challenge, binding };
}

/**
 * Second step of a sign-in: a TOTP or recovery code for a live challenge. A challenge is single-use,
 * lives 5 minutes and dies after 5 wrong codes; the account allows 20 wrong codes an hour to browsers
 * without its device cookie, and a browser that completed a sign-in to it before has its own 20
 * (SECURITY.md "Throttling vs lockout"), so whoever knows the password cannot lock the owner out.
 */
export async function completeMfa(
  ctx: ServiceContext,
  input: {
    challenge: string;
    code?: string;
    recoveryCode?: string;
    userAgent: string;
    binding: string | undefined;
    deviceCookie?: string | undefined;
  },
): Promise<{ user: Account; session: IssuedSession; returnTo: string | null; deviceCookie?: string }> {
  const now = ctx.clock.now();
  const invalid = () => new AppError("MFA_CHALLENGE_INVALID", "This sign-in expired or was used; start again.");
  const challenge = findChallenge(ctx.db, input.challenge);
  if (
    !challenge ||
    challenge.used_at !== null ||
    challenge.expires_at <= now ||
    challenge.failed_attempts >= MFA_CHALLENGE_MAX_FAILURES
  )
    throw invalid();
  if (!challenge.browser_hash || !input.binding || !constantTimeEqual(challenge.browser_hash, sha256Hex(input.binding)))
    throw invalid();
  const device = readDeviceCookie(ctx, input.deviceCookie);
  const known = device !== undefined && device.userId === challenge.user_id ? device : undefined;
  const method = verifySecondFactor(ctx, challenge.user_id, input, { deviceId: known?.id });
  if (!method) {
    ctx.db.write(() => failChallenge(ctx.db, challenge.id));
    throw new AppError("MFA_CODE_INVALID", "That code is not valid.");
  }
  if (!ctx.db.write(() => useChallenge(ctx.db, challenge.id, now))) throw invalid();
  const user = findUserById(ctx.db, challenge.user_id);
  if (!user || user.disabled_at !== null) throw invalid();
  const amr = [...(JSON.parse(challenge.amr) as string[]), method === "otp" ? "otp" : "recovery", "mfa"];
  const session = await createSession(ctx, {
    user,
    method: `${challenge.method}+${method}`,
    amr,
    userAgent: input.userAgent,
    mfaEnrolmentRequired: false,
    event: "login.succeeded",
  });
  if (known) markDeviceUsed(ctx, known);
  const deviceCookie = known ? undefined : issueDeviceCookie(ctx, user.id);
  return { user: toAccount(user), session, returnTo: challenge.return_to, deviceCookie };
}

/**
 * Whether `password` is the signed-in user's password, under the same per-account limits as sign-in
 * (a stolen session cannot be used to guess it faster).
 */
export async function checkOwnPassword(ctx: ServiceContext, user: Account, password: string): Promise<boolean> {
  const key = throttleKey(ctx, "account", user.email);
  const endAttempt = reserveAttempt(ctx, key, ACCOUNT_POLICY);
  let ok = false;
  try {
    const hash = findUserById(ctx.db, user.id)?.password_hash ?? null;
    ok = hash !== null && (await ctx.passwords.verify(hash, password));
  } finally {
    endAttempt();
  }
  if (ok) recordSuccess(ctx, key);
  else recordFailure(ctx, key, ACCOUNT_POLICY);
  return ok;
}

/** Throws 403 CURRENT_PASSWORD_INVALID, naming the field, unless `password` is the user's password. */
export async function assertCurrentPassword(ctx: ServiceContext, user: Account, password: string): Promise<void> {
  if (await checkOwnPassword(ctx, user, password)) return;
  recordEvent(ctx, { type: "reauth.failed", userId: user.id, outcome: "failure" });
  throw new AppError("CURRENT_PASSWORD_INVALID", "The current password is wrong.", {
    fields: [{ field: "currentPassword", message: "The current password is wrong." }],
  });
}

/**
 * Re-authentication for sensitive changes: the password (or, for accounts without one, a TOTP code)
 * again, under the same per-account limits. Sets the session's auth time.
 */
export async function reauthenticate(
  ctx: ServiceContext,
  input: {
    user: Account;
    session: { id: string; method: string; amr: string; mfa_enrolment_required: number };
    proof: { password?: string; code?: string };
    userAgent: string;
  },
): Promise<IssuedSession> {
  const { user, session, proof, userAgent } = input;
  let ok = false;
  if (proof.password !== undefined) {
    ok = await checkOwnPassword(ctx, user, proof.password);
  } else if (proof.code !== undefined && hasConfirmedTotp(ctx, user.id)) {
    ok = verifySecondFactor(ctx, user.id, { code: proof.code }) === "otp";
  }
  if (!ok) {
    recordEvent(ctx, { type: "reauth.failed", userId: user.id, outcome: "failure" });
    throw new AppError("INVALID_CREDENTIALS", "That did not confirm it is you.");
  }
  // A new session id with the fresh auth time (a copied cookie of the old session gains nothing).
  const renewed = await createSession(ctx, {
    user,
    method: session.method,
    amr: JSON.parse(session.amr) as string[],
    userAgent,
    mfaEnrolmentRequired: session.mfa_enrolment_required === 1,
    event: "reauth.succeeded",
  });
  ctx.db.write(() => revokeSession(ctx.db, session.id, "reauthenticated", ctx.clock.now()));
  ctx.live?.accessChanged({ kind: "user", userId: user.id });
  return renewed;
}

/** Throws 403 REAUTH_REQUIRED unless the session authenticated within the last 5 minutes. */
export function assertRecentAuth(ctx: ServiceContext, session: { auth_time: number }): void {
  if (ctx.clock.now() - session.auth_time > REAUTH_WINDOW_MS) {
    throw new AppError(
      "REAUTH_REQUIRED",
      "Confirm your password (or a code) first: this change needs a sign-in from the last 5 minutes.",
      {},
    );
  }
}
