import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { action } from "../../http/authorize.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import type { ServiceContext } from "../../services/context.ts";
import { createLabel, createProject, deleteLabelOf, deleteProjectOf, labelsOf, projectOf, projectsOf, rotateWidgetKey, updateProjectOf } from "../../services/projects.ts";
import { IdSchema, LabelInput, ProjectCreateInput, ProjectUpdateInput } from "../../shared/teams.ts";

const Project = v.object({ id: v.string(), name: v.string(), widgetKey: v.string(), settings: v.object({ allowedOrigins: v.array(v.string()) }), createdAt: v.string(), updatedAt: v.string() });
const Label = v.object({ id: v.string(), name: v.string(), color: v.string() });
const Ok = v.object({ ok: v.literal(true) });
const TeamParam = v.strictObject({ teamId: IdSchema });
const ProjectParam = v.strictObject({ teamId: IdSchema, projectId: IdSchema });
const LabelParam = v.strictObject({ teamId: IdSchema, labelId: IdSchema });
const ERRORS = [400, 401, 403, 404];

/** Projects (websites or apps, each with a widget key) and labels of a team. */
export function projectRoutes(deps: { ctx: ServiceContext }) {
  const { ctx } = deps;
  return new Hono<AppEnv>()
    .get("/api/v1/teams/:teamId/projects", action("projects.read", ctx), describe("The team's projects", ["projects"], { 200: { description: "Projects", schema: v.object({ projects: v.array(Project) }) } }, ERRORS), validate("param", TeamParam), (c) =>
      c.json({ projects: projectsOf(ctx, c.get("team")) }),
    )
    .post("/api/v1/teams/:teamId/projects", action("projects.create", ctx), describe("Create a project", ["projects"], { 201: { description: "Created", schema: Project } }, ERRORS), validate("param", TeamParam), validate("json", ProjectCreateInput), (c) =>
      c.json(createProject(ctx, c.get("team"), c.req.valid("json")), 201),
    )
    .get("/api/v1/teams/:teamId/projects/:projectId", action("projects.read", ctx), describe("A project", ["projects"], { 200: { description: "Project", schema: Project } }, ERRORS), validate("param", ProjectParam), (c) =>
      c.json(projectOf(ctx, c.get("team"), c.req.valid("param").projectId)),
    )
    .patch("/api/v1/teams/:teamId/projects/:projectId", action("projects.update", ctx), describe("Change a project's name or widget settings", ["projects"], { 200: { description: "Project", schema: Project } }, ERRORS), validate("param", ProjectParam), validate("json", ProjectUpdateInput), (c) =>
      c.json(updateProjectOf(ctx, c.get("team"), c.req.valid("param").projectId, c.req.valid("json"))),
    )
    .delete("/api/v1/teams/:teamId/projects/:projectId", action("projects.delete", ctx), describe("Delete a project and its feedback", ["projects"], { 200: { description: "Deleted", schema: Ok } }, ERRORS), validate("param", ProjectParam), (c) => {
      deleteProjectOf(ctx, c.get("team"), c.req.valid("param").projectId);
      return c.json({ ok: true as const });
    })
    .post("/api/v1/teams/:teamId/projects/:projectId/widget-key", action("projects.rotate_key", ctx), describe("Rotate the widget key (the old one stops working at once)", ["projects"], { 200: { description: "Project", schema: Project } }, ERRORS), validate("param", ProjectParam), (c) =>
      c.json(rotateWidgetKey(ctx, c.get("team"), c.req.valid("param").projectId)),
    )
    .get("/api/v1/teams/:teamId/labels", action("labels.read", ctx), describe("The team's labels", ["projects"], { 200: { description: "Labels", schema: v.object({ labels: v.array(Label) }) } }, ERRORS), validate("param", TeamParam), (c) =>
      c.json({ labels: labelsOf(ctx, c.get("team")) }),
    )
    .post("/api/v1/teams/:teamId/labels", action("labels.manage", ctx), describe("Create a label", ["projects"], { 201: { description: "Created", schema: Label } }, [...ERRORS, 409]), validate("param", TeamParam), validate("json", LabelInput), (c) =>
      c.json(createLabel(ctx, c.get("team"), c.req.valid("json")), 201),
    )
    .delete("/api/v1/teams/:teamId/labels/:labelId", action("labels.manage", ctx), describe("Delete a label", ["projects"], { 200: { description: "Deleted", schema: Ok } }, ERRORS), validate("param", LabelParam), (c) => {
      deleteLabelOf(ctx, c.get("team"), c.req.valid("param").labelId);
      return c.json({ ok: true as const });
    });
}
