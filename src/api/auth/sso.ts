import { Hono } from "hono";
import { action } from "../../http/authorize.ts";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { recentSessionOf, sessionOf } from "../../http/auth.ts";
import { type CookieNames, clearSsoCookie, getCookie, setMfaCookie, setSessionCookie, setSsoCookie } from "../../http/cookies.ts";
import { type IpLimiter, ipRateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { randomId } from "../../lib/crypto.ts";
import { summarizeUserAgent } from "../../lib/user-agent.ts";
import { completeSso, confirmPendingLink, listSignInProviders, startSso } from "../../services/accounts/sso.ts";
import type { ServiceContext } from "../../services/context.ts";
import { SsoStartInput } from "../../shared/accounts.ts";

const ProviderParam = v.strictObject({ providerId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)) });
const LinkParam = v.strictObject({ linkId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)) });
const StartResponse = v.object({ authorizationUrl: v.string() });
const Ok = v.object({ ok: v.literal(true) });

/** Single sign-on with OpenID Connect: start, the IdP's redirect back, and confirming a link. */
export function ssoRoutes(deps: { ctx: ServiceContext; cookies: CookieNames; ipLimiter: IpLimiter }) {
  const { ctx, cookies } = deps;
  /** A fresh random value in the SameSite=Lax pre-auth cookie; the server keeps only its hash. */
  const bindBrowser = (c: Parameters<typeof sessionOf>[0]) => {
    const binding = randomId(32);
    setSsoCookie(c, cookies, binding);
    return binding;
  };
  return new Hono<AppEnv>()
    .get("/api/v1/auth/sso/providers", action("public"), describe("Sign-in providers to offer on the sign-in page", ["sso"], { 200: { description: "Providers", schema: v.object({ providers: v.array(v.object({ id: v.string(), name: v.string() })) }) } }, []), (c) =>
      c.json({ providers: listSignInProviders(ctx) }),
    )
    .post(
      "/api/v1/auth/sso/:providerId/start",
      action("public"),
      describe("Start signing in with a provider: returns the URL to navigate to", ["sso"], { 200: { description: "Go there", schema: StartResponse } }, [400, 404, 429, 502]),
      ipRateLimit(deps.ipLimiter),
      validate("param", ProviderParam),
      validate("json", SsoStartInput),
      async (c) => c.json(await startSso(ctx, { providerId: c.req.valid("param").providerId, returnTo: c.req.valid("json").returnTo, browserBinding: bindBrowser(c) })),
    )
    .post(
      "/api/v1/me/sso/:providerId/link",
      action("self"),
      describe("Link an account of a provider to mine (re-authentication first): returns the URL to navigate to", ["sso"], { 200: { description: "Go there", schema: StartResponse } }, [401, 403, 404, 502]),
      validate("param", ProviderParam),
      validate("json", SsoStartInput),
      async (c) => {
        const { user } = recentSessionOf(c, ctx);
        return c.json(await startSso(ctx, { providerId: c.req.valid("param").providerId, returnTo: c.req.valid("json").returnTo, browserBinding: bindBrowser(c), linkUserId: user.id }));
      },
    )
    .post(
      "/api/v1/me/sso-links/:linkId/confirm",
      action("self"),
      describe("Confirm linking the provider account this browser just came back with to my account", ["sso"], { 200: { description: "Linked", schema: Ok } }, [401, 403, 404, 409]),
      validate("param", LinkParam),
      (c) => {
        const { user } = recentSessionOf(c, ctx);
        confirmPendingLink(ctx, user, c.req.valid("param").linkId, getCookie(c, cookies.sso));
        clearSsoCookie(c, cookies);
        return c.json({ ok: true as const });
      },
    )
    .get(
      "/api/v1/auth/sso/callback",
      action("public"),
      describe("Where the provider sends the browser back (redirects to the app)", ["sso"], { 302: { description: "To the app, signed in, or to the sign-in page with a reason in the fragment" } }, []),
      async (c) => {
        const url = new URL(c.req.url);
        const outcome = await completeSso(ctx, {
          callbackQuery: url.search.slice(1),
          browserBinding: getCookie(c, cookies.sso),
          userAgent: summarizeUserAgent(c.req.header("User-Agent")),
        });
        const to = (path: string) => c.redirect(`${ctx.publicOrigin}${path}`, 302);
        if (outcome.kind !== "pending_link") clearSsoCookie(c, cookies);
        switch (outcome.kind) {
          case "session":
            setSessionCookie(c, cookies, outcome.session.token, (outcome.session.expiresAt - ctx.clock.now()) / 1000);
            return to(outcome.returnTo);
          case "linked":
            return to(outcome.returnTo);
          case "mfa":
            setMfaCookie(c, cookies, outcome.binding);
            return to(`/login#mfaChallenge=${outcome.challenge}`);
          case "pending_link":
            return to(`/login#ssoLink=${outcome.linkId}`);
          default:
            return to(`/login#ssoError=${outcome.code}`);
        }
      },
    );
}
