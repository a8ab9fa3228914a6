import { hmacSha256, randomId } from "../../lib/crypto.ts";
import { type ExpiredSession, type SessionClaims, signSessionToken, verifySessionToken } from "../../lib/jwt.ts";
import { splitUserAgentSummary } from "../../lib/user-agent.ts";
import type { PublicSession } from "../../shared/accounts.ts";
import {
  checkSession,
  countLiveSessions,
  findSession,
  insertSession,
  listActiveSessions,
  revokeSession,
  revokeUserSessions,
  type SessionCheck,
  touchSession,
} from "../../store/sessions.ts";
import { revokeUserApiTokens } from "../../store/tokens.ts";
import { findUserById, type UserRow } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { type ActivityType, recordEvent } from "./events.ts";
import { getInstanceSettings } from "./settings.ts";
import { type Account, hasConfirmedTotp, toAccount } from "./users.ts";

/**
 * Sessions (SECURITY.md §5): a row per session decides; the JWT is a short-lived signed reference
 * whose `exp` equals the inactivity timeout. Every request checks the row: revoked, idle, past the
 * absolute lifetime, or the user's security version changed → 401.
 */
export const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

export type IssuedSession = { sessionId: string; token: string; expiresAt: number };

export type CheckedSession = SessionCheck["session"];

/** A valid session; `user()` loads the full user row on first use (most checks need only the session). */
/** What a session token names: the user and the security version it was issued under. */
type SessionSubject = Pick<UserRow, "id" | "security_version">;

export type ValidSession = {
  user: () => Account;
  userId: string;
  session: CheckedSession;
  claims: SessionClaims;
  refreshed?: IssuedSession;
};

function limits(ctx: ServiceContext) {
  const settings = getInstanceSettings(ctx);
  return { idleMs: settings.sessionIdleMinutes * 60_000, absoluteMs: settings.sessionAbsoluteHours * 3600_000 };
}

async function issueToken(
  ctx: ServiceContext,
  user: SessionSubject,
  session: { id: string; created_at: number },
  now: number,
): Promise<IssuedSession> {
  const { idleMs, absoluteMs } = limits(ctx);
  const expiresAt = Math.min(now + idleMs, session.created_at + absoluteMs);
  const token = await signSessionToken(
    { sub: user.id, sid: session.id, jti: randomId(), ver: user.security_version },
    ctx.keyring.session,
    {
      issuer: ctx.publicOrigin,
      issuedAtMs: now,
      expiresAtMs: expiresAt,
    },
  );
  return { sessionId: session.id, token, expiresAt };
}

/** A new session with a new random id (never reused: fixation-proof). */
export async function createSession(
  ctx: ServiceContext,
  input: {
    user: SessionSubject;
    method: string;
    amr: string[];
    userAgent: string;
    mfaEnrolmentRequired: boolean;
    authTime?: number;
    event?: ActivityType;
    /** More writes for the same transaction (one fsync on the sign-in path). */
    alsoInTransaction?: () => void;
  },
): Promise<IssuedSession> {
  const now = ctx.clock.now();
  const id = randomId();
  // The session and its event in one transaction (one fsync on the sign-in path).
  ctx.db.write(() => {
    insertSession(ctx.db, {
      id,
      userId: input.user.id,
      now,
      authTime: input.authTime ?? now,
      method: input.method,
      amr: input.amr,
      mfaEnrolmentRequired: input.mfaEnrolmentRequired,
      userAgent: input.userAgent,
    });
    if (input.event) recordEvent(ctx, { type: input.event, userId: input.user.id });
    input.alsoInTransaction?.();
  });
  return issueToken(ctx, input.user, { id, created_at: now }, now);
}

/**
 * Verified-token cache, one per keyring: verifying an unchanged token twice gives the same answer;
 * the session row is still read on every request.
 */
const caches = new WeakMap<object, Map<string, SessionClaims>>();

function cachedClaims(ctx: ServiceContext, token: string): SessionClaims | undefined {
  const cached = caches.get(ctx.keyring)?.get(token);
  const now = ctx.clock.now();
  return cached && cached.exp * 1000 > now && cached.iat * 1000 <= now + 60_000 ? cached : undefined;
}

async function verifiedClaims(
  ctx: ServiceContext,
  token: string,
  absoluteMs: number,
): Promise<SessionClaims | ExpiredSession | undefined> {
  const claims = await verifySessionToken(token, ctx.keyring.session, {
    issuer: ctx.publicOrigin,
    nowMs: ctx.clock.now(),
    maxTokenAgeSeconds: Math.ceil(absoluteMs / 1000),
  });
  if (claims && !("expired" in claims)) {
    let verifiedTokens = caches.get(ctx.keyring);
    if (!verifiedTokens) {
      verifiedTokens = new Map();
      caches.set(ctx.keyring, verifiedTokens);
    }
    if (verifiedTokens.size > 10_000) verifiedTokens.clear();
    verifiedTokens.set(token, claims);
  }
  return claims;
}

/**
 * Resolves a session token to its session (and user, on use), or undefined (→ 401). Records
 * activity at most once a minute, and re-issues the token (same session id) once less than half of
 * it remains, never past the absolute lifetime.
 */
export async function validateSession(
  ctx: ServiceContext,
  token: string,
  options: { passive?: boolean } = {},
): Promise<ValidSession | undefined> {
  const { idleMs, absoluteMs } = limits(ctx);
  // An unchanged, already verified token skips the signature check (not the session row check).
  const claims = cachedClaims(ctx, token) ?? (await verifiedClaims(ctx, token, absoluteMs));
  if (!claims) return undefined;
  const now = ctx.clock.now();
  if ("expired" in claims) {
    // The token outlived the inactivity timeout: record why the session ended.
    ctx.db.write(() => {
      const session = findSession(ctx.db, claims.sid);
      if (session && session.revoked_at === null && now - session.last_seen_at > idleMs)
        revokeSession(ctx.db, session.id, "idle", now);
    });
    return undefined;
  }
  const found = checkSession(ctx.db, claims.sid);
  if (!found) return undefined;
  const { session } = found;
  if (session.revoked_at !== null || session.user_id !== claims.sub) return undefined;
  if (now - session.last_seen_at > idleMs) {
    ctx.db.write(() => revokeSession(ctx.db, session.id, "idle", now));
    return undefined;
  }
  if (now - session.created_at > absoluteMs) {
    ctx.db.write(() => revokeSession(ctx.db, session.id, "expired", now));
    return undefined;
  }
  if (found.disabledAt !== null || found.securityVersion !== claims.ver) return undefined;
  // A passive request (the live-update stream) is not activity: it neither touches nor re-issues.
  if (!options.passive && now - session.last_seen_at >= LAST_SEEN_WRITE_INTERVAL_MS)
    ctx.db.write(() => touchSession(ctx.db, session.id, now));
  let user: Account | undefined;
  const result: ValidSession = {
    userId: session.user_id,
    session,
    claims,
    user: () => {
      if (!user) {
        const row = findUserById(ctx.db, session.user_id);
        if (!row) throw notFound("No such user.");
        user = toAccount(row);
      }
      return user;
    },
  };
  if (!options.passive && claims.exp * 1000 - now < idleMs / 2 && claims.exp * 1000 < session.created_at + absoluteMs) {
    result.refreshed = await issueToken(
      ctx,
      { id: session.user_id, security_version: found.securityVersion },
      session,
      now,
    );
    // The browser's cookie now lives longer: its open streams move their deadline with it.
    const expiresAt = Math.floor(result.refreshed.expiresAt / 1000) * 1000;
    ctx.live?.accessChanged({ kind: "token", sessionId: session.id, expiresAt });
  }
  return result;
}

/**
 * Whether a session still holds, read live and without writing anything (the live-update stream's
 * check): why it ended, or its inactivity and absolute deadlines (it ends once the clock passes either).
 */
export function sessionStanding(
  ctx: ServiceContext,
  input: { sessionId: string; securityVersion: number },
): { ended: "logout" | "revoked" | "idle" | "expired" } | { idleUntil: number; expiresAt: number } {
  const { idleMs, absoluteMs } = limits(ctx);
  const found = checkSession(ctx.db, input.sessionId);
  if (!found) return { ended: "revoked" };
  const { session } = found;
  if (session.revoked_at !== null) {
    const reason = findSession(ctx.db, session.id)?.revoked_reason;
    return { ended: reason === "logout" || reason === "idle" || reason === "expired" ? reason : "revoked" };
  }
  if (found.disabledAt !== null || found.securityVersion !== input.securityVersion) return { ended: "revoked" };
  const now = ctx.clock.now();
  if (now - session.last_seen_at > idleMs) return { ended: "idle" };
  if (now - session.created_at > absoluteMs) return { ended: "expired" };
  return { idleUntil: session.last_seen_at + idleMs, expiresAt: session.created_at + absoluteMs };
}

/**
 * The public handle of a session: its id is what the signed token refers to, so it never leaves the
 * server or enters a URL; lists and deletions use this keyed hash of it instead.
 */
export function sessionHandle(ctx: ServiceContext, sessionId: string): string {
  return hmacSha256(ctx.keyring.session, `session-handle:${sessionId}`).subarray(0, 16).toString("base64url");
}

export function listSessions(
  ctx: ServiceContext,
  input: { userId: string; currentId: string | undefined },
): PublicSession[] {
  const { userId, currentId } = input;
  return listActiveSessions(ctx.db, userId).map((s) => ({
    id: sessionHandle(ctx, s.id),
    current: s.id === currentId,
    createdAt: new Date(s.created_at).toISOString(),
    lastSeenAt: new Date(s.last_seen_at).toISOString(),
    method: s.method,
    userAgent: s.user_agent,
    ...splitUserAgentSummary(s.user_agent),
  }));
}

/** Ends the current session (logout). */
export function endCurrentSession(ctx: ServiceContext, input: { userId: string; sessionId: string }): void {
  const { userId, sessionId } = input;
  ctx.db.write(() => revokeSession(ctx.db, sessionId, "logout", ctx.clock.now()));
  ctx.live?.accessChanged({ kind: "user", userId });
  recordEvent(ctx, { type: "session.revoked", userId });
}

/** Ends one of the user's own sessions by its public handle; anything else answers 404. */
export function endSession(ctx: ServiceContext, input: { userId: string; handle: string }): void {
  const { userId, handle } = input;
  const reason = "ended_by_user";
  const now = ctx.clock.now();
  const session = listActiveSessions(ctx.db, userId).find((s) => sessionHandle(ctx, s.id) === handle);
  if (!session) throw notFound("No such session.");
  ctx.db.write(() => revokeSession(ctx.db, session.id, reason, now));
  ctx.live?.accessChanged({ kind: "user", userId });
  recordEvent(ctx, { type: "session.revoked", userId });
}

/** "Log out everywhere": every session and API token of the user ends. */
export function logOutEverywhere(ctx: ServiceContext, userId: string): number {
  const count = ctx.db.write(() => {
    revokeUserApiTokens(ctx.db, userId, ctx.clock.now());
    return revokeUserSessions(ctx.db, userId, "logout_everywhere", ctx.clock.now());
  });
  ctx.live?.accessChanged({ kind: "user", userId });
  recordEvent(ctx, { type: "sessions.revoked_all", userId });
  return count;
}

/** "Sign out everywhere else": every session of the user but the current one ends (API tokens stay). */
export function endOtherSessions(ctx: ServiceContext, input: { userId: string; currentSessionId: string }): number {
  const count = endAllSessions(ctx, {
    userId: input.userId,
    reason: "ended_by_user",
    exceptSessionId: input.currentSessionId,
  });
  recordEvent(ctx, { type: "sessions.revoked_others", userId: input.userId });
  return count;
}

/** Ends every session of a user, optionally but one. */
function endAllSessions(
  ctx: ServiceContext,
  input: { userId: string; reason: string; exceptSessionId?: string },
): number {
  const { userId, reason, exceptSessionId } = input;
  const now = ctx.clock.now();
  const count = ctx.db.write(() => revokeUserSessions(ctx.db, userId, reason, now, exceptSessionId));
  ctx.live?.accessChanged({ kind: "user", userId });
  return count;
}

/**
 * After a security change (password, MFA) the user's old tokens are void: the browser that made the
 * change gets a new session (new id) and every other session, the old one included, ends.
 */
export async function rotateSession(
  ctx: ServiceContext,
  input: { userId: string; fields: { method: string; amr: string[]; userAgent: string } },
): Promise<IssuedSession> {
  const { userId, fields } = input;
  const user = findUserById(ctx.db, userId);
  if (!user) throw notFound("No such user.");
  // An instance admin who just turned MFA off must enrol again before anything else.
  const session = await createSession(ctx, {
    user,
    ...fields,
    mfaEnrolmentRequired: user.is_instance_admin === 1 && !hasConfirmedTotp(ctx, user.id),
  });
  endAllSessions(ctx, { userId, reason: "rotated", exceptSessionId: session.sessionId });
  return session;
}

export type { PublicSession };

/** How many sessions are live now: not revoked, within the inactivity timeout and the absolute lifetime. */
export function countActiveSessions(ctx: ServiceContext): number {
  const { idleMs, absoluteMs } = limits(ctx);
  const now = ctx.clock.now();
  return countLiveSessions(ctx.db, now - idleMs, now - absoluteMs);
}
