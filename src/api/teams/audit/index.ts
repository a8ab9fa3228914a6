import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import { csvCell } from "../../../lib/csv.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { exportTeamAudit, listTeamAudit, recordAuditExport } from "../../../services/teams/audit-trail.ts";
import {
  type TeamAuditEntry,
  TeamAuditExportQuery,
  TeamAuditPageSchema,
  TeamAuditQuery,
} from "../../../shared/audit.ts";
import { TeamParam } from "../../../shared/common.ts";

const CSV_COLUMNS = ["seq", "at", "actorId", "actorName", "actorEmail", "action", "targetId", "targetName"] as const;
const csvRow = (values: unknown[]) => `${values.map(csvCell).join(",")}\r\n`;

/** Streams pages of text: each pull reads the next page, so a long trail never sits in memory whole. */
function streamPages(
  head: string,
  pages: Generator<TeamAuditEntry[], void, undefined>,
  render: (entries: TeamAuditEntry[], first: boolean) => string,
  tail: string,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let first = true;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(head));
    },
    pull(controller) {
      const page = pages.next();
      if (page.done) {
        controller.enqueue(encoder.encode(tail));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(render(page.value, first)));
      first = false;
    },
    cancel() {
      pages.return();
    },
  });
}

/** /api/v1/teams/:teamId/audit: the team's audit trail for its owners — filtered pages, and exports. */
export function teamAuditRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("audit.read"),
      describe(
        "The team's audit trail, newest first: filter by actor, action (or group such as `member`) and time range; page with `before`",
        ["teams"],
        { 200: { description: "A page of entries", schema: TeamAuditPageSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("query", TeamAuditQuery),
      (c) => {
        const { before, limit, ...filters } = c.req.valid("query");
        return c.json(
          listTeamAudit(ctx, {
            access: c.var.team,
            filters,
            limit: Number(limit ?? 100),
            ...(before ? { beforeSeq: Number(before) } : {}),
          }),
        );
      },
    )
    .get(
      "/export",
      action("audit.read"),
      describe(
        "Download the filtered trail as CSV (cells a spreadsheet would run as a formula start with an apostrophe) or JSON; streamed; recorded in the trail",
        ["teams"],
        { 200: { description: "The export (text/csv or application/json), as an attachment" } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("query", TeamAuditExportQuery),
      (c) => {
        const { format, ...filters } = c.req.valid("query");
        const access = c.var.team;
        recordAuditExport(ctx, access);
        const pages = exportTeamAudit(ctx, { access, filters });
        const day = new Date(ctx.clock.now()).toISOString().slice(0, 10);
        if (format === "csv") {
          return c.body(
            streamPages(
              csvRow([...CSV_COLUMNS]),
              pages,
              (entries) => entries.map((e) => csvRow(CSV_COLUMNS.map((k) => e[k]))).join(""),
              "",
            ),
            200,
            {
              "Content-Type": "text/csv; charset=utf-8",
              "Content-Disposition": `attachment; filename="loupe-audit-${day}.csv"`,
            },
          );
        }
        const head = JSON.stringify({
          format: "loupe-audit-export",
          version: 1,
          team: { id: access.team.id, name: access.team.name },
          exportedAt: new Date(ctx.clock.now()).toISOString(),
          filters,
        });
        return c.body(
          streamPages(
            `${head.slice(0, -1)},"entries":[`,
            pages,
            (entries, first) => (first ? "" : ",") + entries.map((e) => JSON.stringify(e)).join(","),
            "]}",
          ),
          200,
          {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Disposition": `attachment; filename="loupe-audit-${day}.json"`,
          },
        );
      },
    );
}
