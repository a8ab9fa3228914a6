import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { changeMemberRole, listTeamMembers, removeMember } from "../../../services/teams/teams.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import { MemberSchema, RoleInput } from "../../../shared/teams.ts";

const MemberParam = v.strictObject({ teamId: IdSchema, userId: IdSchema });

/** /api/v1/teams/:teamId/members: who is in the team, with which role. */
export function memberRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("members.read"),
      describe(
        "Members and their roles",
        ["teams"],
        { 200: { description: "Members", schema: v.object({ members: v.array(MemberSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json({ members: listTeamMembers(ctx, c.var.team) }),
    )
    .patch(
      "/:userId",
      action("members.manage"),
      describe(
        "Change a member's role (a team keeps at least one owner)",
        ["teams"],
        { 200: { description: "Changed", schema: OkSchema } },
        [...TEAM_ROUTE_ERRORS, 409],
      ),
      validate("param", MemberParam),
      validate("json", RoleInput),
      (c) => {
        changeMemberRole(ctx, {
          access: c.var.team,
          userId: c.req.valid("param").userId,
          role: c.req.valid("json").role,
        });
        return c.json({ ok: true as const });
      },
    )
    .delete(
      "/:userId",
      action("members.manage"),
      describe(
        "Remove a member (their next request to this team gets 404)",
        ["teams"],
        { 200: { description: "Removed", schema: OkSchema } },
        [...TEAM_ROUTE_ERRORS, 409],
      ),
      validate("param", MemberParam),
      (c) => {
        removeMember(ctx, { access: c.var.team, userId: c.req.valid("param").userId });
        return c.json({ ok: true as const });
      },
    );
}
