import { errors, jwtVerify, SignJWT } from "jose";
import { isCanonicalBase64url } from "./base64url.ts";

/**
 * Session tokens: HS256 with a 256-bit key from the keyring; algorithm, issuer, audience and `typ`
 * pinned on both sides (RFC 8725). The token is a signed reference: the session row decides.
 */
export const SESSION_TYP = "loupe-session+jwt";
export const SESSION_AUDIENCE = "loupe-admin-api";

export type SessionClaims = { sub: string; sid: string; jti: string; ver: number; iat: number; exp: number };

export async function signSessionToken(
  claims: Omit<SessionClaims, "iat" | "exp">,
  key: Uint8Array,
  options: { issuer: string; issuedAtMs: number; expiresAtMs: number },
): Promise<string> {
  return new SignJWT({ sid: claims.sid, ver: claims.ver })
    .setProtectedHeader({ alg: "HS256", typ: SESSION_TYP })
    .setSubject(claims.sub)
    .setJti(claims.jti)
    .setIssuer(options.issuer)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(Math.floor(options.issuedAtMs / 1000))
    .setExpirationTime(Math.floor(options.expiresAtMs / 1000))
    .sign(key);
}

/** A compact JWS whose three segments are each canonical base64url (T-S1: one token, one spelling). */
export function isCanonicalCompactJws(token: string): boolean {
  const parts = token.split(".");
  return parts.length === 3 && parts.every(isCanonicalBase64url);
}

/** A correctly signed token past its `exp`: enough to mark its session as ended. */
export type ExpiredSession = { expired: true; sid: string };

/** Verifies a session token; undefined for anything invalid (never throws on bad input). */
export async function verifySessionToken(
  token: string,
  key: Uint8Array,
  options: { issuer: string; nowMs: number; maxTokenAgeSeconds: number },
): Promise<SessionClaims | ExpiredSession | undefined> {
  if (token.length > 4096 || !isCanonicalCompactJws(token)) return undefined;
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: ["HS256"],
      issuer: options.issuer,
      audience: SESSION_AUDIENCE,
      typ: SESSION_TYP,
      requiredClaims: ["exp", "iat", "jti", "sid", "sub"],
      currentDate: new Date(options.nowMs),
      maxTokenAge: options.maxTokenAgeSeconds,
    });
    // Headers that could point the verifier elsewhere are never expected here.
    for (const header of ["kid", "jku", "jwk", "x5u", "x5c", "crit"]) if (header in protectedHeader) return undefined;
    const { sub, sid, jti, ver, iat, exp } = payload as Record<string, unknown>;
    if (typeof sub !== "string" || typeof sid !== "string" || typeof jti !== "string") return undefined;
    if (typeof ver !== "number" || typeof iat !== "number" || typeof exp !== "number") return undefined;
    return { sub, sid, jti, ver, iat, exp };
  } catch (error) {
    // Only an expiry is told apart (the signature and every other claim were checked before it).
    if (error instanceof errors.JWTExpired && typeof error.payload.sid === "string")
      return { expired: true, sid: error.payload.sid };
    return undefined;
  }
}
