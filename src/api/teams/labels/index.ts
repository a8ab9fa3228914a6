import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { createLabel, deleteLabel, listLabels, updateLabel } from "../../../services/projects.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import { LabelInput, LabelSchema, LabelUpdateInput } from "../../../shared/teams.ts";

const LabelParam = v.strictObject({ teamId: IdSchema, labelId: IdSchema });

/** /api/v1/teams/:teamId/labels: the team's labels for feedback. */
export function labelRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("labels.read"),
      describe(
        "The team's labels",
        ["projects"],
        { 200: { description: "Labels", schema: v.object({ labels: v.array(LabelSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json({ labels: listLabels(ctx, c.var.team) }),
    )
    .post(
      "/",
      action("labels.manage"),
      describe("Create a label", ["projects"], { 201: { description: "Created", schema: LabelSchema } }, [
        ...TEAM_ROUTE_ERRORS,
        409,
      ]),
      validate("param", TeamParam),
      validate("json", LabelInput),
      (c) => c.json(createLabel(ctx, { access: c.var.team, fields: c.req.valid("json") }), 201),
    )
    .patch(
      "/:labelId",
      action("labels.manage"),
      describe("Rename or recolour a label", ["projects"], { 200: { description: "Changed", schema: LabelSchema } }, [
        ...TEAM_ROUTE_ERRORS,
        409,
      ]),
      validate("param", LabelParam),
      validate("json", LabelUpdateInput),
      (c) =>
        c.json(
          updateLabel(ctx, { access: c.var.team, labelId: c.req.valid("param").labelId, changes: c.req.valid("json") }),
        ),
    )
    .delete(
      "/:labelId",
      action("labels.manage"),
      describe(
        "Delete a label",
        ["projects"],
        { 200: { description: "Deleted", schema: OkSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", LabelParam),
      (c) => {
        deleteLabel(ctx, { access: c.var.team, labelId: c.req.valid("param").labelId });
        return c.json({ ok: true as const });
      },
    );
}
