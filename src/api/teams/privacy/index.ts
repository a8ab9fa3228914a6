import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { eraseDataSubject, exportDataSubject, findDataSubject } from "../../../services/privacy/data-subject.ts";
import { TeamParam } from "../../../shared/common.ts";
import { SubjectEraseResult, SubjectFindResult, SubjectQuery } from "../../../shared/privacy.ts";

/**
 * /api/v1/teams/:teamId/privacy: GDPR requests of a data subject, for the team's owners — find, export
 * and erase what the team holds about someone by email address or widget reporter id. POST with a
 * body even to find: an email address in a URL would end up in logs and browser history.
 */
export function privacyRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .post(
      "/subjects/find",
      action("privacy.find"),
      describe(
        "Find a data subject's feedback, screenshots and messages across the team's projects (trash included)",
        ["privacy"],
        { 200: { description: "What the team holds about them", schema: SubjectFindResult } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", SubjectQuery),
      (c) => c.json(findDataSubject(ctx, { access: c.var.team, subject: c.req.valid("json") })),
    )
    .post(
      "/subjects/export",
      action("data.export", { recent: true }),
      describe(
        "Export a data subject's data as one ZIP archive (subject.json, README.txt, screenshots/); streamed; re-authentication first; recorded in the trail",
        ["privacy"],
        { 200: { description: "application/zip" } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", SubjectQuery),
      (c) => {
        const { stream, filename } = exportDataSubject(ctx, { access: c.var.team, subject: c.req.valid("json") });
        return c.body(stream, 200, {
          "Content-Type": "application/zip",
          "Content-Disposition": `attachment; filename="${filename}"`,
          "Cache-Control": "no-store",
        });
      },
    )
    .post(
      "/subjects/erase",
      action("data.erase", { recent: true }),
      describe(
        "Erase a data subject at once (not through the trash): their items with screenshots, messages and identifiers; re-applied after any restore; recorded in the trail with counts only",
        ["privacy"],
        { 200: { description: "What was erased", schema: SubjectEraseResult } },
        [...TEAM_ROUTE_ERRORS, 503],
      ),
      validate("param", TeamParam),
      validate("json", SubjectQuery),
      (c) => c.json(eraseDataSubject(ctx, { access: c.var.team, subject: c.req.valid("json") })),
    );
}
