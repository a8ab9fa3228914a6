import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { endSupportAccess, getSupportAccess, grantSupportAccess } from "../../../services/teams/support.ts";
import { TeamParam } from "../../../shared/common.ts";
import { SupportAccessInput, SupportAccessSchema } from "../../../shared/teams.ts";

/** /api/v1/teams/:teamId/support-access: whether the instance admin may read this team, for how long. */
export function supportAccessRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("support.manage"),
      describe(
        "Whether the instance admin may read this team now",
        ["teams"],
        { 200: { description: "State", schema: SupportAccessSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json(getSupportAccess(ctx, c.var.team)),
    )
    .post(
      "/",
      action("support.manage"),
      describe(
        "Let the instance admin read this team's feedback for some hours (default 24)",
        ["teams"],
        { 200: { description: "Granted", schema: SupportAccessSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", SupportAccessInput),
      (c) => c.json(grantSupportAccess(ctx, { access: c.var.team, hours: c.req.valid("json").hours })),
    )
    .delete(
      "/",
      action("support.manage"),
      describe(
        "End support access now",
        ["teams"],
        { 200: { description: "Ended", schema: SupportAccessSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json(endSupportAccess(ctx, c.var.team)),
    );
}
