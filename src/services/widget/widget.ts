import { AppError, invalidField } from "../../lib/app-error.ts";
import type { WidgetFeedback } from "../../shared/feedback.ts";
import { originAllowed } from "../../shared/origins.ts";
import { browserAndOs } from "../../shared/user-agent.ts";
import { publicWidgetConfig } from "../../shared/widget-config.ts";
import type { PublicWidgetConfig, WidgetSettings } from "../../shared/widget-settings.ts";
import { deleteIdempotencyBefore } from "../../store/feedback.ts";
import { findProjectByWidgetKey, listLabels, teamLabelIds } from "../../store/projects.ts";
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
 * `fromLoupe`: the request comes from a page of Loupe's own origin (the try page), which every
 * project's widget accepts: only Loupe's own code runs there, and these routes read no credentials.
 */
export function resolveWidgetProject(
  ctx: ServiceContext,
  input: { widgetKey: string; origin: string | undefined; fromLoupe?: boolean },
): WidgetProject {
  const row = findProjectByWidgetKey(ctx.db, input.widgetKey);
  if (!row) throw notFound("No project has this widget key (it may have been rotated).");
  const settings = projectSettings(row);
  if (!input.fromLoupe && !originAllowed(input.origin, settings.allowedOrigins))
    throw new AppError("ORIGIN_NOT_ALLOWED");
  return { id: row.id, teamId: row.team_id, settings };
}

/** Whether a widget key names a project (the try page answers 404 for a rotated or unknown key). */
export function widgetKeyExists(ctx: ServiceContext, widgetKey: string): boolean {
  return findProjectByWidgetKey(ctx.db, widgetKey) !== undefined;
}

/**
 * A visitor's feedback through the public ingest: the same createFeedback verb as the API, with the
 * anonymous reporter id and the idempotency id; no account, no session. Returns the item's id (the
 * first item's, for a repeated idempotency id).
 */
export function submitWidgetFeedback(
  ctx: ServiceContext,
  input: {
    project: WidgetProject;
    feedback: WidgetFeedback;
    clientAddress: string;
    /** The request's User-Agent: browser and OS are added from it when the visitor sent device details. */
    userAgent?: string;
    screenshot?: ScreenshotUpload;
  },
): { id: string } {
  const { idempotencyId, reporterId, categoryId, answers, ...data } = input.feedback;
  const fields = input.project.settings.fields;
  checkRequiredFields(fields, input.feedback);
  const labelIds: string[] = [];
  if (categoryId !== undefined) {
    // The settings may list a label deleted since, or one that is not the team's: only a current label
    // of the team is attached (else a foreign reference, or a 500 from the foreign key).
    const offered = fields.category.enabled && fields.category.labelIds.includes(categoryId);
    if (!offered || teamLabelIds(ctx.db, input.project.teamId, [categoryId]).length === 0)
      throw invalidField("categoryId", "Not one of this project's categories.");
    labelIds.push(categoryId);
  }
  // `metadata.answers` is the server's: checked answers, never what a client wrote there itself.
  const { answers: _unchecked, browser: _b, os: _o, ...metadata } = data.metadata ?? {};
  // Browser and OS come from the browser's own User-Agent, and only with the device details the
  // visitor chose to send (removed in the review, neither is stored).
  if ("viewport" in metadata && input.userAgent) Object.assign(metadata, browserAndOs(input.userAgent));
  data.metadata = answers === undefined ? metadata : { ...metadata, answers: checkedAnswers(fields.custom, answers) };
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
    labelIds,
    ...(input.screenshot ? { screenshot: input.screenshot } : {}),
  });
  return { id };
}

type Fields = WidgetSettings["fields"];

/** The project's required fields must be filled: one VALIDATION_FAILED naming every missing one. */
function checkRequiredFields(fields: Fields, feedback: WidgetFeedback): void {
  const missing: string[] = [];
  if (fields.rating.enabled && fields.rating.required && !feedback.rating) missing.push("rating");
  if (fields.title.enabled && fields.title.required && !feedback.title) missing.push("title");
  if (fields.email.enabled && fields.email.required && !feedback.reporterEmail) missing.push("reporterEmail");
  if (fields.category.enabled && fields.category.required && !feedback.categoryId) missing.push("categoryId");
  for (const f of fields.custom) {
    const answer = feedback.answers?.[f.id];
    if (f.required && (answer === undefined || answer === "" || answer === false)) missing.push(`answers.${f.id}`);
  }
  if (fields.rating.enabled && feedback.rating && feedback.rating.scale !== fields.rating.scale)
    throw invalidField("rating", `Expected a rating on the ${fields.rating.scale} scale.`);
  if (missing.length > 0)
    throw new AppError("VALIDATION_FAILED", undefined, {
      fields: missing.map((field) => ({ field, message: "Required." })),
    });
}

/** Answers to custom fields, each checked against its field; stored with the field's label. */
function checkedAnswers(
  custom: Fields["custom"],
  answers: Record<string, string | boolean>,
): Record<string, { label: string; value: string | boolean }> {
  const checked: Record<string, { label: string; value: string | boolean }> = {};
  for (const [id, value] of Object.entries(answers)) {
    const field = custom.find((f) => f.id === id);
    if (!field) throw invalidField(`answers.${id}`, "This project has no such field.");
    const fits =
      field.type === "checkbox"
        ? typeof value === "boolean"
        : typeof value === "string" && field.options.includes(value);
    if (!fits)
      throw invalidField(
        `answers.${id}`,
        field.type === "checkbox" ? "Expected true or false." : "Not one of the options.",
      );
    checked[id] = { label: field.label, value };
  }
  return checked;
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
  return publicWidgetConfig(project.settings, { widgetId: project.id, labels: listLabels(ctx.db, project.teamId) });
}
