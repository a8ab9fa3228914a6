import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { endSupportAccess, getSupportAccess, grantSupportAccess } from "../../../services/teams/support.ts";
import { IdSchema, SupportAccessInput, SupportAccessSchema } from "../../../shared/teams.ts";

const TeamParam = v.strictObject({ teamId: IdSchema });
const ERRORS = [400, 401, 403, 404];

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
        ERRORS,
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
        ERRORS,
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
        ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json(endSupportAccess(ctx, c.var.team)),
    );
}
