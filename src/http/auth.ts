import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import { assertScope, authenticateApiToken } from "../services/accounts/api-tokens.ts";
import { assertRecentAuth } from "../services/accounts/login.ts";
import { validateSession } from "../services/accounts/sessions.ts";
import type { ServiceContext } from "../services/context.ts";
import { unauthenticated } from "../services/errors.ts";
import type { AppEnv, Auth } from "./app-env.ts";
import { type CookieNames, clearSessionCookie, getCookie, setSessionCookie } from "./cookies.ts";

/**
 * Resolves the caller on every request: `Authorization: Bearer` (a personal API token, never from
 * a query string) or the session cookie, checked against its session row every time.
 */
export function authenticate(ctx: ServiceContext, names: CookieNames) {
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("auth", undefined);
    const header = c.req.header("Authorization");
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
      const found = match ? authenticateApiToken(ctx, match[1]!) : undefined;
      if (!found) throw unauthenticated("The API token is invalid, expired or revoked.");
      c.set("auth", { kind: "token", user: found.user, tokenId: found.tokenId, scope: found.scope, ...(found.team ? { team: found.team } : {}) });
      return next();
    }
    const token = getCookie(c, names.session);
    if (token) {
      const valid = await validateSession(ctx, token);
      if (valid) {
        c.set("auth", {
          kind: "session",
          session: valid.session,
          get user() {
            return valid.user();
          },
        });
        if (valid.refreshed) setSessionCookie(c, names, valid.refreshed.token, (valid.refreshed.expiresAt - ctx.clock.now()) / 1000);
      } else {
        clearSessionCookie(c, names);
      }
    }
    return next();
  });
}

/** The signed-in browser session, or 401. API tokens never reach these routes (403). */
export function sessionOf(c: Context<AppEnv>, options: { allowEnrolmentPending?: boolean } = {}): Extract<Auth, { kind: "session" }> {
  const auth = c.get("auth");
  if (!auth) throw unauthenticated();
  if (auth.kind !== "session") throw new AppError("TOKEN_NOT_ALLOWED", "API tokens cannot be used here; sign in.");
  if (auth.session.mfa_enrolment_required === 1 && !options.allowEnrolmentPending) {
    throw new AppError("MFA_ENROLMENT_REQUIRED", "Set up two-factor authentication first.");
  }
  return auth;
}

/** A session or an API token (whose scope must allow the method), or 401. */
export function callerOf(c: Context<AppEnv>, options: { allowEnrolmentPending?: boolean } = {}): Auth {
  const auth = c.get("auth");
  if (!auth) throw unauthenticated();
  if (auth.kind === "token") {
    if (auth.team) throw new AppError("TOKEN_NOT_ALLOWED", "A team token works only on its team's routes.");
    assertScope(auth.scope, c.req.method);
    return auth;
  }
  return sessionOf(c, options);
}

export function instanceAdminOf(c: Context<AppEnv>): Extract<Auth, { kind: "session" }> {
  const auth = sessionOf(c);
  if (auth.user.is_instance_admin !== 1) throw new AppError("FORBIDDEN", "Only an instance admin may do this.");
  return auth;
}

/** An instance admin who re-authenticated within the last 5 minutes (account-takeover-grade actions). */
export function recentInstanceAdminOf(c: Context<AppEnv>, ctx: ServiceContext): Extract<Auth, { kind: "session" }> {
  const auth = instanceAdminOf(c);
  assertRecentAuth(ctx, auth.session);
  return auth;
}

/** A session that re-authenticated within the last 5 minutes (sensitive changes). */
export function recentSessionOf(c: Context<AppEnv>, ctx: ServiceContext, options: { allowEnrolmentPending?: boolean } = {}): Extract<Auth, { kind: "session" }> {
  const auth = sessionOf(c, options);
  assertRecentAuth(ctx, auth.session);
  return auth;
}
