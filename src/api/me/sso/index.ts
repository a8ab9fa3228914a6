import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { type CookieNames, clearSsoCookie, getCookie } from "../../../http/cookies.ts";
import { describe } from "../../../http/respond.ts";
import { bindBrowserForSso } from "../../../http/sso-binding.ts";
import { validate } from "../../../http/validation.ts";
import { confirmPendingLink, startSso } from "../../../services/accounts/sso.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { SsoStartInput, SsoStartSchema } from "../../../shared/accounts.ts";
import { IdSchema, OkSchema } from "../../../shared/common.ts";

const ProviderParam = v.strictObject({ providerId: IdSchema });
const LinkParam = v.strictObject({ linkId: IdSchema });

/** /api/v1/me/sso…: linking an identity of a provider to my account. */
export function meSsoRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>()
    .post(
      "/sso/:providerId/link",
      action("self", { recent: true }),
      describe(
        "Link an account of a provider to mine (re-authentication first): returns the URL to navigate to",
        ["sso"],
        { 200: { description: "Go there", schema: SsoStartSchema } },
        [401, 403, 404, 502],
      ),
      validate("param", ProviderParam),
      validate("json", SsoStartInput),
      async (c) =>
        c.json(
          await startSso(ctx, {
            providerId: c.req.valid("param").providerId,
            returnTo: c.req.valid("json").returnTo,
            browserBinding: bindBrowserForSso(c, cookies),
            linkUserId: c.var.caller.user.id,
          }),
        ),
    )
    .post(
      "/sso-links/:linkId/confirm",
      action("self", { recent: true }),
      describe(
        "Confirm linking the provider account this browser just came back with to my account",
        ["sso"],
        { 200: { description: "Linked", schema: OkSchema } },
        [401, 403, 404, 409],
      ),
      validate("param", LinkParam),
      (c) => {
        confirmPendingLink(ctx, {
          user: c.var.caller.user,
          linkId: c.req.valid("param").linkId,
          browserBinding: getCookie(c, cookies.sso),
        });
        clearSsoCookie(c, cookies);
        return c.json({ ok: true as const });
      },
    );
}
