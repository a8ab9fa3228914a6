import { createMiddleware } from "hono/factory";
import { authenticateApiToken } from "../services/accounts/api-tokens.ts";
import { validateSession } from "../services/accounts/sessions.ts";
import type { ServiceContext } from "../services/context.ts";
import { unauthenticated } from "../services/errors.ts";
import type { AppEnv } from "./app-env.ts";
import { type CookieNames, clearSessionCookie, getCookie, setSessionCookie } from "./cookies.ts";

/**
 * Resolves the caller on every request: `Authorization: Bearer` (a personal API token, never from
 * a query string) or the session cookie, checked against its session row every time. On
 * `passivePaths` (the live-update stream) a request is not activity: the session is checked, not
 * touched, and its cookie is not re-issued.
 */
export function authenticate(ctx: ServiceContext, names: CookieNames, options: { passivePaths?: string[] } = {}) {
  const passivePaths = new Set(options.passivePaths ?? []);
  return createMiddleware<AppEnv>(async (c, next) => {
    c.set("auth", undefined);
    const header = c.req.header("Authorization");
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(header);
      const found = match ? authenticateApiToken(ctx, match[1]!) : undefined;
      if (!found) throw unauthenticated("The API token is invalid, expired or revoked.");
      c.set("auth", {
        kind: "token",
        user: found.user,
        tokenId: found.tokenId,
        scope: found.scope,
        ...(found.team ? { team: found.team } : {}),
      });
      return next();
    }
    const token = getCookie(c, names.session);
    if (token) {
      const valid = await validateSession(ctx, token, { passive: passivePaths.has(c.req.path) });
      if (valid) {
        c.set("auth", {
          kind: "session",
          session: valid.session,
          tokenExpiresAt: valid.claims.exp * 1000,
          get user() {
            return valid.user();
          },
        });
        if (valid.refreshed)
          setSessionCookie(c, names, valid.refreshed.token, (valid.refreshed.expiresAt - ctx.clock.now()) / 1000);
      } else {
        clearSessionCookie(c, names);
      }
    }
    return next();
  });
}
