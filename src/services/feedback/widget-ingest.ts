import { AppError } from "../../lib/app-error.ts";
import type { WidgetFeedback } from "../../shared/feedback.ts";
import { originAllowed } from "../../shared/origins.ts";
import { deleteIdempotencyBefore } from "../../store/feedback.ts";
import { findProjectByWidgetKey, type ProjectRow } from "../../store/projects.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { createFeedback, type ScreenshotUpload } from "./feedback.ts";

/** How long an idempotency id is remembered: far longer than any retry of a page that stays open. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;

/** The project behind a widget key, as the public ingest may know it: no team data. */
export type WidgetProject = { id: string; teamId: string; allowedOrigins: readonly string[] };

function toWidgetProject(row: ProjectRow): WidgetProject {
  const settings = JSON.parse(row.settings) as { allowedOrigins?: string[] };
  return { id: row.id, teamId: row.team_id, allowedOrigins: settings.allowedOrigins ?? [] };
}

/**
 * The project a widget key names, for a request from `origin`: 404 for an unknown (or rotated) key,
 * 403 ORIGIN_NOT_ALLOWED when the origin is missing or not one of the project's allowed origins.
 */
export function resolveWidgetProject(
  ctx: ServiceContext,
  input: { widgetKey: string; origin: string | undefined },
): WidgetProject {
  const row = findProjectByWidgetKey(ctx.db, input.widgetKey);
  if (!row) throw notFound("No project has this widget key (it may have been rotated).");
  const project = toWidgetProject(row);
  if (!originAllowed(input.origin, project.allowedOrigins)) throw new AppError("ORIGIN_NOT_ALLOWED");
  return project;
}

/**
 * A visitor's feedback through the public ingest: the same createFeedback verb as the API, with the
 * anonymous reporter id and the idempotency id; no account, no session. Returns the item's id (the
 * first item's, for a repeated idempotency id).
 */
export function submitWidgetFeedback(
  ctx: ServiceContext,
  input: { project: WidgetProject; feedback: WidgetFeedback; screenshot?: ScreenshotUpload },
): { id: string } {
  const { idempotencyId, reporterId, ...data } = input.feedback;
  const id = createFeedback(ctx, {
    teamId: input.project.teamId,
    reporter: { userId: null, anonymousId: reporterId ?? null },
    data: { ...data, projectId: input.project.id },
    idempotencyId,
    ...(input.screenshot ? { screenshot: input.screenshot } : {}),
  });
  return { id };
}

/** Forgets idempotency ids older than IDEMPOTENCY_RETENTION_MS (daily retention). */
export function pruneIdempotencyIds(ctx: ServiceContext): number {
  return ctx.db.write(() => deleteIdempotencyBefore(ctx.db, ctx.clock.now() - IDEMPOTENCY_RETENTION_MS));
}
