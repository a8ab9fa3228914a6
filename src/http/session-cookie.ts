import type { Context } from "hono";
import { summarizeUserAgent } from "../lib/user-agent.ts";
import { type IssuedSession, rotateSession } from "../services/accounts/sessions.ts";
import type { ServiceContext } from "../services/context.ts";
import type { AppEnv } from "./app-env.ts";
import { type CookieNames, setSessionCookie } from "./cookies.ts";

/** Sets the cookie of a session just issued, living until the session token's expiry. */
export function startSession<E extends AppEnv>(
  c: Context<E>,
  ctx: ServiceContext,
  cookies: CookieNames,
  session: IssuedSession,
): void {
  setSessionCookie(c, cookies, session.token, (session.expiresAt - ctx.clock.now()) / 1000);
}

/** After a security change the user's tokens are void: the current browser gets a new session. */
export async function renewSession<E extends AppEnv>(
  c: Context<E>,
  ctx: ServiceContext,
  cookies: CookieNames,
  userId: string,
  method: string,
  amr: string[],
): Promise<void> {
  const session = await rotateSession(ctx, {
    userId,
    fields: { method, amr, userAgent: summarizeUserAgent(c.req.header("User-Agent")) },
  });
  startSession(c, ctx, cookies, session);
}

/** The authentication methods a session records (JSON text in its row). */
export const amrOf = (session: { amr: string }): string[] => JSON.parse(session.amr) as string[];
