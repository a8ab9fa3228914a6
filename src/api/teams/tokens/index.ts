import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import { createTeamApiToken, listTeamApiTokens, revokeTeamApiToken } from "../../../services/accounts/api-tokens.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import { CreatedTeamTokenSchema, TeamTokenInput, TeamTokenSchema } from "../../../shared/teams.ts";

const TokenParam = v.strictObject({ teamId: IdSchema, tokenId: IdSchema });

/** /api/v1/teams/:teamId/tokens: the team's API tokens (one team, capped role). */
export function teamTokenRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("tokens.manage"),
      describe(
        "The team's API tokens (never their secrets)",
        ["teams"],
        { 200: { description: "Tokens", schema: v.object({ tokens: v.array(TeamTokenSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json({ tokens: listTeamApiTokens(ctx, c.var.team.team.id) }),
    )
    .post(
      "/",
      action("tokens.manage", { recent: true }),
      describe(
        "Create a team API token (re-authentication first): only this team, at most the given role; shown once",
        ["teams"],
        { 201: { description: "Created", schema: CreatedTeamTokenSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", TeamTokenInput),
      (c) =>
        c.json(
          createTeamApiToken(ctx, {
            teamId: c.var.team.team.id,
            creatorId: c.var.caller.user.id,
            ...c.req.valid("json"),
          }),
          201,
        ),
    )
    .delete(
      "/:tokenId",
      action("tokens.manage"),
      describe(
        "Revoke a team API token",
        ["teams"],
        { 200: { description: "Revoked", schema: OkSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TokenParam),
      (c) => {
        revokeTeamApiToken(ctx, {
          teamId: c.var.team.team.id,
          actorId: c.var.team.userId,
          tokenId: c.req.valid("param").tokenId,
        });
        return c.json({ ok: true as const });
      },
    );
}
