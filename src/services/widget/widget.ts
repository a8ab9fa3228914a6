import { AppError } from "../../lib/app-error.ts";
import type { WidgetFeedback } from "../../shared/feedback.ts";
import { originAllowed } from "../../shared/origins.ts";
import type { PublicWidgetConfig, WidgetSettings } from "../../shared/widget-settings.ts";
import { deleteIdempotencyBefore } from "../../store/feedback.ts";
import { findProjectByWidgetKey, listLabels } from "../../store/projects.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { createFeedback, type ScreenshotUpload } from "../feedback/feedback.ts";
import { projectSettings } from "../projects.ts";

/** How long an idempotency id is remembered: far longer than any retry of a page that stays open. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 86_400_000;

/** The project behind a widget key, as the public routes may know it. */
export type WidgetProject = { id: string; teamId: string; settings: WidgetSettings };

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
  const settings = projectSettings(row);
  if (!originAllowed(input.origin, settings.allowedOrigins)) throw new AppError("ORIGIN_NOT_ALLOWED");
  return { id: row.id, teamId: row.team_id, settings };
}

/**
 * A visitor's feedback through the public ingest: the same createFeedback verb as the API, with the
 * anonymous reporter id and the idempotency id; no account, no session. Returns the item's id (the
 * first item's, for a repeated idempotency id).
 */
export function submitWidgetFeedback(
  ctx: ServiceContext,
  input: { project: WidgetProject; feedback: WidgetFeedback; clientAddress: string; screenshot?: ScreenshotUpload },
): { id: string } {
  const { idempotencyId, reporterId, ...data } = input.feedback;
  // The widget drops the query string and fragment unless the project keeps them; so does the server.
  if (data.pageUrl && input.project.settings.urlQuery === "drop") {
    const url = new URL(data.pageUrl);
    data.pageUrl = `${url.origin}${url.pathname}`;
  }
  const id = createFeedback(ctx, {
    teamId: input.project.teamId,
    reporter: {
      userId: null,
      anonymousId: reporterId ?? null,
      ip: input.project.settings.storeIp ? input.clientAddress : null,
    },
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

/**
 * The configuration the widget fetches: the project's settings without who may submit or what the
 * server stores (allowed origins, IP storage), with the category picker's labels by name.
 */
export function getWidgetConfig(ctx: ServiceContext, project: WidgetProject): PublicWidgetConfig {
  const { allowedOrigins: _origins, storeIp: _storeIp, ...settings } = project.settings;
  const wanted = new Set(settings.fields.category.labelIds);
  const { labelIds: _ids, ...category } = settings.fields.category;
  const options = listLabels(ctx.db, project.teamId)
    .filter((l) => wanted.has(l.id))
    .map((l) => ({ id: l.id, name: l.name }));
  return { ...settings, fields: { ...settings.fields, category: { ...category, options } } };
}
