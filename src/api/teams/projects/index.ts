import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { projectPrivacyNotice } from "../../../services/privacy/notice.ts";
import {
  createProject,
  deleteProject,
  getProject,
  listProjects,
  rotateWidgetKey,
  updateProject,
} from "../../../services/projects.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import { PrivacyNoticeSchema } from "../../../shared/privacy.ts";
import { ProjectCreateInput, ProjectSchema, ProjectUpdateInput } from "../../../shared/teams.ts";

const ProjectParam = v.strictObject({ teamId: IdSchema, projectId: IdSchema });

/** /api/v1/teams/:teamId/projects: the team's websites or apps, each with a widget key. */
export function projectRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("projects.read"),
      describe(
        "The team's projects",
        ["projects"],
        { 200: { description: "Projects", schema: v.object({ projects: v.array(ProjectSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json({ projects: listProjects(ctx, c.var.team) }),
    )
    .post(
      "/",
      action("projects.create"),
      describe(
        "Create a project",
        ["projects"],
        { 201: { description: "Created", schema: ProjectSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", ProjectCreateInput),
      (c) => c.json(createProject(ctx, { access: c.var.team, fields: c.req.valid("json") }), 201),
    )
    .get(
      "/:projectId",
      action("projects.read"),
      describe(
        "A project",
        ["projects"],
        { 200: { description: "Project", schema: ProjectSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ProjectParam),
      (c) => c.json(getProject(ctx, { access: c.var.team, projectId: c.req.valid("param").projectId })),
    )
    .get(
      "/:projectId/privacy-notice",
      action("projects.read"),
      describe(
        "The project's privacy-page text, generated from its saved settings: English and German, Markdown and HTML",
        ["projects"],
        { 200: { description: "The text", schema: PrivacyNoticeSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ProjectParam),
      (c) => c.json(projectPrivacyNotice(ctx, { access: c.var.team, projectId: c.req.valid("param").projectId })),
    )
    .patch(
      "/:projectId",
      action("projects.update"),
      describe(
        "Change a project's name or widget settings",
        ["projects"],
        { 200: { description: "Project", schema: ProjectSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ProjectParam),
      validate("json", ProjectUpdateInput),
      (c) =>
        c.json(
          updateProject(ctx, {
            access: c.var.team,
            projectId: c.req.valid("param").projectId,
            changes: c.req.valid("json"),
          }),
        ),
    )
    .delete(
      "/:projectId",
      action("projects.delete"),
      describe("Delete an empty project", ["projects"], { 200: { description: "Deleted", schema: OkSchema } }, [
        ...TEAM_ROUTE_ERRORS,
        409,
      ]),
      validate("param", ProjectParam),
      (c) => {
        deleteProject(ctx, { access: c.var.team, projectId: c.req.valid("param").projectId });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/:projectId/widget-key",
      action("projects.rotate_key"),
      describe(
        "Rotate the widget key (the old one stops working at once)",
        ["projects"],
        { 200: { description: "Project", schema: ProjectSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ProjectParam),
      (c) => c.json(rotateWidgetKey(ctx, { access: c.var.team, projectId: c.req.valid("param").projectId })),
    );
}
