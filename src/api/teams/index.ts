import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import type { ServiceContext } from "../../services/context.ts";
import { exportTeam } from "../../services/teams/export.ts";
import { createTeam, deleteTeam, listMyTeams, renameTeam, toPublicTeam } from "../../services/teams/teams.ts";
import { OkSchema, TeamParam } from "../../shared/common.ts";
import { TeamCreateInput, TeamSchema, TeamUpdateInput } from "../../shared/teams.ts";

/** /api/v1/teams: my teams; a team itself and its export (its audit trail: ./audit). Sub-resources have their own folders. */
export function teamRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("self"),
      describe("My teams, with my role", ["teams"], {
        200: { description: "Teams", schema: v.object({ teams: v.array(TeamSchema) }) },
      }),
      (c) => c.json({ teams: listMyTeams(ctx, c.var.caller.user.id) }),
    )
    .post(
      "/",
      action("self"),
      describe("Create a team (I become its owner)", ["teams"], {
        201: { description: "Created", schema: TeamSchema },
      }),
      validate("json", TeamCreateInput),
      (c) => c.json(createTeam(ctx, { userId: c.var.caller.user.id, name: c.req.valid("json").name }), 201),
    )
    .get(
      "/:teamId",
      action("team.read"),
      describe("A team", ["teams"], { 200: { description: "Team", schema: TeamSchema } }, TEAM_ROUTE_ERRORS),
      validate("param", TeamParam),
      (c) => c.json(toPublicTeam(c.var.team.team, c.var.team.role)),
    )
    .patch(
      "/:teamId",
      action("team.update"),
      describe("Rename a team", ["teams"], { 200: { description: "Team", schema: TeamSchema } }, TEAM_ROUTE_ERRORS),
      validate("param", TeamParam),
      validate("json", TeamUpdateInput),
      (c) => c.json(renameTeam(ctx, { access: c.var.team, name: c.req.valid("json").name })),
    )
    .delete(
      "/:teamId",
      action("team.delete", { recent: true }),
      describe(
        "Delete a team and all its data (re-authentication first)",
        ["teams"],
        { 200: { description: "Deleted", schema: OkSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => {
        deleteTeam(ctx, c.var.team);
        return c.json({ ok: true as const });
      },
    )
    .get(
      "/:teamId/export",
      action("data.export", { recent: true }),
      describe(
        "Export everything of the team as JSON (re-authentication first; recorded in the trail)",
        ["teams"],
        { 200: { description: "The export" } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) =>
        c.body(JSON.stringify(exportTeam(ctx, c.var.team)), 200, {
          "Content-Type": "application/json; charset=utf-8",
          "Content-Disposition": 'attachment; filename="loupe-team-export.json"',
        }),
    );
}
