import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import { deleteSsoProvider, listSsoProviders, saveSsoProvider } from "../../../services/accounts/sso-providers.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { SsoProviderInput, SsoProviderSchema } from "../../../shared/accounts.ts";
import { IdSchema, OkSchema } from "../../../shared/common.ts";

const ProviderParam = v.strictObject({ providerId: IdSchema });

/** /api/v1/instance/sso-providers: SSO providers, configured by the instance admin; client secrets are write-only. */
export function ssoProviderRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("instance.admin"),
      describe("Configured SSO providers (secrets never shown)", ["instance"], {
        200: { description: "Providers", schema: v.object({ providers: v.array(SsoProviderSchema) }) },
      }),
      (c) => c.json({ providers: listSsoProviders(ctx) }),
    )
    .post(
      "/",
      action("instance.admin", { recent: true }),
      describe("Add an SSO provider (generic OIDC issuer, or the Google preset)", ["instance"], {
        201: { description: "Added", schema: SsoProviderSchema },
      }),
      validate("json", SsoProviderInput),
      (c) => c.json(saveSsoProvider(ctx, { adminId: c.var.caller.user.id, fields: c.req.valid("json") }), 201),
    )
    .put(
      "/:providerId",
      action("instance.admin", { recent: true }),
      describe(
        "Replace an SSO provider's settings (omit clientSecret to keep it)",
        ["instance"],
        { 200: { description: "Saved", schema: SsoProviderSchema } },
        [400, 401, 403, 404],
      ),
      validate("param", ProviderParam),
      validate("json", SsoProviderInput),
      (c) =>
        c.json(
          saveSsoProvider(ctx, {
            adminId: c.var.caller.user.id,
            fields: c.req.valid("json"),
            id: c.req.valid("param").providerId,
          }),
        ),
    )
    .delete(
      "/:providerId",
      action("instance.admin", { recent: true }),
      describe(
        "Remove an SSO provider (its linked identities go too)",
        ["instance"],
        { 200: { description: "Removed", schema: OkSchema } },
        [401, 403, 404],
      ),
      validate("param", ProviderParam),
      (c) => {
        deleteSsoProvider(ctx, { adminId: c.var.caller.user.id, id: c.req.valid("param").providerId });
        return c.json({ ok: true as const });
      },
    );
}
