import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { toCsv } from "../../lib/csv.ts";
import { listAudit } from "../../services/audit/audit.ts";
import type { ServiceContext } from "../../services/context.ts";
import { exportTeam } from "../../services/teams/export.ts";
import { createTeam, deleteTeam, listMyTeams, renameTeam, toPublicTeam } from "../../services/teams/teams.ts";
import { AuditEntrySchema } from "../../shared/audit.ts";
import { OkSchema, TeamParam } from "../../shared/common.ts";
import { AuditExportQuery, TeamCreateInput, TeamSchema, TeamUpdateInput } from "../../shared/teams.ts";

/** /api/v1/teams: my teams; a team itself, its audit trail and its export. Sub-resources have their own folders. */
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
      "/:teamId/audit",
      action("audit.read"),
      describe(
        "The team's audit trail, newest first; ?format=csv exports CSV (formula-safe cells)",
        ["teams"],
        { 200: { description: "Entries", schema: v.object({ entries: v.array(AuditEntrySchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("query", AuditExportQuery),
      (c) => {
        const q = c.req.valid("query");
        const entries = listAudit(ctx, {
          teamId: c.var.team.team.id,
          limit: Math.min(Number(q.limit ?? 1000), 5000),
          ...(q.before ? { beforeSeq: Number(q.before) } : {}),
        });
        if (q.format === "csv") {
          const csv = toCsv(
            ["seq", "at", "actorId", "action", "targetId", "teamId"],
            entries.map((e) => [e.seq, e.at, e.actorId, e.action, e.targetId, e.teamId]),
          );
          return c.body(csv, 200, {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="audit.csv"',
          });
        }
        return c.json({ entries });
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
