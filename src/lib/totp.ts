import { generateSecret, generateSync, generateURI, verifySync } from "otplib";

/**
 * TOTP (RFC 6238): SHA-1, 6 digits, 30 s steps — what authenticator apps support. The accepted window
 * is the current step plus `toleranceSeconds` back (default 5 s: a code lives at most 35 s), never
 * a future step; replay is refused by the caller storing the last accepted step.
 */
export const TOTP_PERIOD = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, issuer: string, label: string): string {
  return generateURI({ issuer, label, secret, period: TOTP_PERIOD, digits: 6, algorithm: "sha1" });
}

export function totpCode(secret: string, epochMs: number): string {
  return generateSync({ secret, epoch: Math.floor(epochMs / 1000), period: TOTP_PERIOD });
}

/** The time step of a valid code within the window and after `afterStep`, or undefined. */
export function verifyTotp(
  secret: string,
  code: string,
  nowMs: number,
  toleranceSeconds: number,
  afterStep: number,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  try {
    const result = verifySync({
      secret,
      token: code,
      epoch: Math.floor(nowMs / 1000),
      period: TOTP_PERIOD,
      epochTolerance: [toleranceSeconds, 0],
      ...(afterStep >= 0 ? { afterTimeStep: afterStep } : {}),
    });
    return result.valid ? (result as { timeStep: number }).timeStep : undefined;
  } catch {
    return undefined;
  }
}
