import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { type CookieNames, clearSsoCookie, getCookie, setMfaCookie } from "../../../http/cookies.ts";
import { type RequestLimiter, rateLimit } from "../../../http/rate-limit.ts";
import { describe } from "../../../http/respond.ts";
import { startSession } from "../../../http/session-cookie.ts";
import { bindBrowserForSso } from "../../../http/sso-binding.ts";
import { validate } from "../../../http/validation.ts";
import { summarizeUserAgent } from "../../../lib/user-agent.ts";
import { completeSso, startSso } from "../../../services/accounts/sso.ts";
import { listSignInProviders } from "../../../services/accounts/sso-providers.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { SignInProviderSchema, SsoStartInput, SsoStartSchema } from "../../../shared/accounts.ts";
import { IdSchema } from "../../../shared/common.ts";

const ProviderParam = v.strictObject({ providerId: IdSchema });

/** /api/v1/auth/sso: signing in with OpenID Connect — the providers, the start, and the IdP's redirect back. */
export function ssoRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
  limits: RequestLimiter;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>()
    .get(
      "/providers",
      action("public"),
      describe(
        "Sign-in providers to offer on the sign-in page",
        ["sso"],
        { 200: { description: "Providers", schema: v.object({ providers: v.array(SignInProviderSchema) }) } },
        [],
      ),
      (c) => c.json({ providers: listSignInProviders(ctx) }),
    )
    .post(
      "/:providerId/start",
      action("public"),
      describe(
        "Start signing in with a provider: returns the URL to navigate to",
        ["sso"],
        { 200: { description: "Go there", schema: SsoStartSchema } },
        [400, 404, 429, 502],
      ),
      rateLimit(deps.limits, "sign-in"),
      validate("param", ProviderParam),
      validate("json", SsoStartInput),
      async (c) =>
        c.json(
          await startSso(ctx, {
            providerId: c.req.valid("param").providerId,
            returnTo: c.req.valid("json").returnTo,
            browserBinding: bindBrowserForSso(c, cookies),
          }),
        ),
    )
    .get(
      "/callback",
      action("public"),
      describe(
        "Where the provider sends the browser back (redirects to the app)",
        ["sso"],
        { 302: { description: "To the app, signed in, or to the sign-in page with a reason in the fragment" } },
        [],
      ),
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
            startSession(c, ctx, cookies, outcome.session);
            return to(outcome.returnTo);
          case "linked":
            return to(outcome.returnTo);
          // The admin UI's sign-in page reads these from the fragment (never sent to a server).
          case "mfa":
            setMfaCookie(c, cookies, outcome.binding);
            return to(
              `/sign-in${outcome.returnTo === "/" ? "" : `?next=${encodeURIComponent(outcome.returnTo)}`}#mfaChallenge=${outcome.challenge}`,
            );
          case "pending_link":
            return to(`/sign-in#ssoLink=${outcome.linkId}`);
          default:
            return to(`/sign-in#ssoError=${outcome.code}`);
        }
      },
    );
}
