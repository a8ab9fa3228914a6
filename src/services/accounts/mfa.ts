import { AppError } from "../../lib/app-error.ts";
import { aesGcmDecrypt, aesGcmEncrypt, randomBytes, randomId, sha256Hex } from "../../lib/crypto.ts";
import { qrSvg } from "../../lib/qr-svg.ts";
import { newTotpSecret, totpUri, verifyTotp } from "../../lib/totp.ts";
import {
  confirmTotp,
  consumeRecoveryCode,
  consumeTotpStep,
  countUnusedRecoveryCodes,
  deleteRecoveryCodes,
  deleteTotp,
  deleteUserChallenges,
  findTotp,
  replaceRecoveryCodes,
  upsertPendingTotp,
} from "../../store/mfa.ts";
import { revokeUserSessions } from "../../store/sessions.ts";
import { revokeUserApiTokens } from "../../store/tokens.ts";
import { bumpSecurityVersion, findUserById } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { accessChangedAfterCommit } from "../live/bus.ts";
import { recordEvent } from "./events.ts";
import { notifyUser } from "./notify.ts";
import { getInstanceSettings } from "./settings.ts";
import { assertNotThrottled, isThrottled, MFA_POLICY, recordFailure, recordSuccess, throttleKey } from "./throttle.ts";
import type { Account } from "./users.ts";

/** TOTP secrets are sealed with AES-256-GCM under the keyring's field key, bound to the user id. */
function sealSecret(ctx: ServiceContext, userId: string, secret: string): string {
  return aesGcmEncrypt(ctx.keyring.field, Buffer.from(secret, "utf8"), `totp:${userId}`).toString("base64");
}

function openSecret(ctx: ServiceContext, userId: string, sealed: string): string {
  return aesGcmDecrypt(ctx.keyring.field, Buffer.from(sealed, "base64"), `totp:${userId}`).toString("utf8");
}

const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** 10 recovery codes of 20 characters from a 31-letter alphabet (~99 bits each), shown once. */
function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const bytes = randomBytes(40);
    let code = "";
    for (const b of bytes) {
      if (b >= 248) continue; // 248 = 8 × 31: keep the choice uniform
      code += RECOVERY_ALPHABET[b % 31];
      if (code.length === 20) break;
    }
    if (code.length < 20) return newRecoveryCodes()[0]!;
    return code.match(/.{5}/g)!.join("-");
  });
}

function hashRecoveryCode(code: string): string {
  return sha256Hex(`loupe-recovery:${code.toLowerCase().replace(/[^a-z0-9]/g, "")}`);
}

export type TotpEnrolment = { secret: string; otpauthUri: string; qrSvg: string };

/** Starts enrolment: a server-made secret, its otpauth:// URI and a QR code; off until confirmed. */
export async function startTotpEnrolment(ctx: ServiceContext, user: Account): Promise<TotpEnrolment> {
  if (findTotp(ctx.db, user.id)?.confirmed_at) {
    throw new AppError("MFA_ALREADY_ENABLED", "Two-factor authentication is already on; turn it off first.");
  }
  const secret = newTotpSecret();
  ctx.db.write(() => upsertPendingTotp(ctx.db, user.id, sealSecret(ctx, user.id, secret), ctx.clock.now()));
  const otpauthUri = totpUri(secret, "Loupe", user.email);
  return { secret, otpauthUri, qrSvg: await qrSvg(otpauthUri) };
}

/**
 * Checks a TOTP code against the user's confirmed (or, with `pending`, unconfirmed) secret and
 * consumes its time step atomically: of 20 parallel requests with one code, exactly one succeeds.
 */
export function checkTotpCode(
  ctx: ServiceContext,
  userId: string,
  code: string,
  options: { pending?: boolean } = {},
): boolean {
  const row = findTotp(ctx.db, userId);
  if (!row || (row.confirmed_at === null) !== (options.pending === true)) return false;
  const { totpToleranceSeconds } = getInstanceSettings(ctx);
  const step = verifyTotp(
    openSecret(ctx, userId, row.secret_sealed),
    code,
    ctx.clock.now(),
    totpToleranceSeconds,
    row.last_step,
  );
  if (step === undefined) return false;
  return ctx.db.write(() => consumeTotpStep(ctx.db, userId, step));
}

export function checkRecoveryCode(ctx: ServiceContext, userId: string, code: string): boolean {
  if (code.length > 64) return false;
  return ctx.db.write(() => consumeRecoveryCode(ctx.db, userId, hashRecoveryCode(code), ctx.clock.now()));
}

/**
 * A second factor for a user with MFA on: a TOTP code or a recovery code, under the limit of 20
 * wrong codes an hour — per account, or per device for a browser known to the account (`deviceId`,
 * while its own allowance lasts). Records the outcome.
 */
export function verifySecondFactor(
  ctx: ServiceContext,
  userId: string,
  input: { code?: string; recoveryCode?: string },
  options: { deviceId?: string | undefined } = {},
): "otp" | "recovery" | undefined {
  const deviceKey = options.deviceId === undefined ? undefined : throttleKey(ctx, "mfa-device", options.deviceId);
  const key =
    deviceKey !== undefined && !isThrottled(ctx, deviceKey, MFA_POLICY) ? deviceKey : throttleKey(ctx, "mfa", userId);
  assertNotThrottled(ctx, key, MFA_POLICY);
  const method =
    input.code !== undefined
      ? checkTotpCode(ctx, userId, input.code)
        ? "otp"
        : undefined
      : input.recoveryCode !== undefined && checkRecoveryCode(ctx, userId, input.recoveryCode)
        ? "recovery"
        : undefined;
  if (method) {
    recordSuccess(ctx, key);
    recordEvent(ctx, { type: "mfa.succeeded", userId });
  } else {
    recordFailure(ctx, key, MFA_POLICY);
    recordEvent(ctx, { type: "mfa.failed", userId, outcome: "failure" });
  }
  return method;
}

/**
 * A security change: every credential of the user stops working — sessions (the current one is
 * re-issued by the caller), API tokens and open sign-in challenges.
 */
function securityChanged(ctx: ServiceContext, userId: string, reason: string, keepSessionId?: string): void {
  const now = ctx.clock.now();
  bumpSecurityVersion(ctx.db, userId, now);
  revokeUserSessions(ctx.db, userId, reason, now, keepSessionId);
  revokeUserApiTokens(ctx.db, userId, now);
  deleteUserChallenges(ctx.db, userId);
  accessChangedAfterCommit(ctx, { kind: "user", userId });
}

/** Confirms enrolment with a first code; returns the 10 recovery codes (shown once). */
export function confirmTotpEnrolment(
  ctx: ServiceContext,
  input: { user: Account; code: string; currentSessionId: string },
): string[] {
  const { user, code, currentSessionId } = input;
  const key = throttleKey(ctx, "mfa", user.id);
  assertNotThrottled(ctx, key, MFA_POLICY);
  if (!checkTotpCode(ctx, user.id, code, { pending: true })) {
    recordFailure(ctx, key, MFA_POLICY);
    throw new AppError(
      "MFA_ENROLMENT_CODE_INVALID",
      "That code is not valid. Check the authenticator's clock and try the next code.",
      { fields: [{ field: "code", message: "Not a valid code." }] },
    );
  }
  const codes = newRecoveryCodes();
  ctx.db.write(() => {
    confirmTotp(ctx.db, user.id, ctx.clock.now());
    replaceRecoveryCodes(
      ctx.db,
      user.id,
      codes.map((c) => ({ id: randomId(), hash: hashRecoveryCode(c) })),
      ctx.clock.now(),
    );
    securityChanged(ctx, user.id, "mfa_changed", currentSessionId);
  });
  recordEvent(ctx, { type: "mfa.enabled", userId: user.id });
  notifyUser(ctx, user.id, "mfa_enabled");
  return codes;
}

export function regenerateRecoveryCodes(
  ctx: ServiceContext,
  input: { user: Account; currentSessionId: string },
): string[] {
  const { user, currentSessionId } = input;
  if (!findTotp(ctx.db, user.id)?.confirmed_at)
    throw new AppError("MFA_NOT_ENABLED", "Two-factor authentication is off.");
  const codes = newRecoveryCodes();
  ctx.db.write(() => {
    replaceRecoveryCodes(
      ctx.db,
      user.id,
      codes.map((c) => ({ id: randomId(), hash: hashRecoveryCode(c) })),
      ctx.clock.now(),
    );
    securityChanged(ctx, user.id, "mfa_changed", currentSessionId);
  });
  recordEvent(ctx, { type: "mfa.recovery_codes_regenerated", userId: user.id });
  notifyUser(ctx, user.id, "mfa_changed");
  return codes;
}

export function disableTotp(ctx: ServiceContext, input: { user: Account; currentSessionId: string }): void {
  const { user, currentSessionId } = input;
  if (!findTotp(ctx.db, user.id)) throw new AppError("MFA_NOT_ENABLED", "Two-factor authentication is off.");
  ctx.db.write(() => {
    deleteTotp(ctx.db, user.id);
    deleteRecoveryCodes(ctx.db, user.id);
    securityChanged(ctx, user.id, "mfa_changed", currentSessionId);
  });
  recordEvent(ctx, { type: "mfa.disabled", userId: user.id });
  notifyUser(ctx, user.id, "mfa_disabled");
}

/** Break-glass: an instance admin removes a user's MFA (device and recovery codes lost). Audited; the user is told. */
export function adminResetMfa(ctx: ServiceContext, input: { adminId: string; userId: string }): void {
  const { adminId, userId } = input;
  const user = findUserById(ctx.db, userId);
  if (!user) throw notFound("No such user.");
  ctx.db.write(() => {
    deleteTotp(ctx.db, user.id);
    deleteRecoveryCodes(ctx.db, user.id);
    securityChanged(ctx, user.id, "mfa_reset_by_admin");
    appendAudit(ctx, { action: "mfa.reset_by_admin", actorId: adminId, targetId: user.id });
  });
  recordEvent(ctx, { type: "mfa.reset_by_admin", userId: user.id, actorId: adminId, targetId: user.id });
  notifyUser(ctx, user.id, "mfa_reset_by_admin");
}

export function countRecoveryCodesLeft(ctx: ServiceContext, userId: string): number {
  return countUnusedRecoveryCodes(ctx.db, userId);
}

/** Exposed for the password and MFA changes elsewhere in the accounts service. */
export { securityChanged };
