import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { type CookieNames, clearSsoCookie, getCookie } from "../../../http/cookies.ts";
import { describe } from "../../../http/respond.ts";
import { bindBrowserForSso } from "../../../http/sso-binding.ts";
import { validate } from "../../../http/validation.ts";
import { confirmPendingLink, listMyIdentities, startSso, unlinkIdentity } from "../../../services/accounts/sso.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { SsoIdentitySchema, SsoStartInput, SsoStartSchema } from "../../../shared/accounts.ts";
import { IdSchema, OkSchema } from "../../../shared/common.ts";

const ProviderParam = v.strictObject({ providerId: IdSchema });
const LinkParam = v.strictObject({ linkId: IdSchema });
const IdentityParam = v.strictObject({ identityId: IdSchema });

/** /api/v1/me/sso…: the identities of providers linked to my account; linking and unlinking one. */
export function meSsoRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>()
    .get(
      "/sso",
      action("self"),
      describe("The accounts of sign-in providers linked to mine", ["sso"], {
        200: { description: "Linked accounts", schema: v.object({ identities: v.array(SsoIdentitySchema) }) },
      }),
      (c) => c.json({ identities: listMyIdentities(ctx, c.var.caller.user.id) }),
    )
    .delete(
      "/sso/:identityId",
      action("self", { recent: true }),
      describe(
        "Unlink a provider's account from mine (re-authentication first; not my only way to sign in); sessions it signed in end",
        ["sso"],
        { 200: { description: "Unlinked", schema: OkSchema } },
        [400, 401, 403, 404, 409],
      ),
      validate("param", IdentityParam),
      (c) => {
        const { user, session } = c.var.caller;
        unlinkIdentity(ctx, { user, identityId: c.req.valid("param").identityId, currentSessionId: session.id });
        return c.json({ ok: true as const });
      },
    )
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
