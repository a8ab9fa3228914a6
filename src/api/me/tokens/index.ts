import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import { createApiToken, listApiTokens, revokeApiToken } from "../../../services/accounts/api-tokens.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { ApiTokenSchema, CreatedApiTokenSchema, TokenCreateInput } from "../../../shared/accounts.ts";
import { IdSchema, OkSchema } from "../../../shared/common.ts";

const IdParam = v.strictObject({ id: IdSchema });

/** /api/v1/me/tokens: my personal API tokens. */
export function meTokenRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("self"),
      describe("My personal API tokens (never their secrets)", ["me"], {
        200: { description: "Tokens", schema: v.object({ tokens: v.array(ApiTokenSchema) }) },
      }),
      (c) => c.json({ tokens: listApiTokens(ctx, c.var.caller.user.id) }),
    )
    .post(
      "/",
      action("self", { recent: true }),
      describe("Create a personal API token (re-authentication first); the secret is shown once", ["me"], {
        201: { description: "Created", schema: CreatedApiTokenSchema },
      }),
      validate("json", TokenCreateInput),
      (c) => c.json(createApiToken(ctx, { user: c.var.caller.user, fields: c.req.valid("json") }), 201),
    )
    .delete(
      "/:id",
      action("self"),
      describe(
        "Revoke one of my API tokens",
        ["me"],
        { 200: { description: "Revoked", schema: OkSchema } },
        [401, 403, 404],
      ),
      validate("param", IdParam),
      (c) => {
        revokeApiToken(ctx, { userId: c.var.caller.user.id, tokenId: c.req.valid("param").id });
        return c.json({ ok: true as const });
      },
    );
}
