import { AppError, invalidField } from "../../lib/app-error.ts";
import type { WidgetFeedback } from "../../shared/feedback.ts";
import { originAllowed } from "../../shared/origins.ts";
import { browserAndOs } from "../../shared/user-agent.ts";
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

/**
 * The launcher's stylesheet (adopted into the widget's shadow root, so a strict CSP allows it). The
 * colour is a validated `#rrggbb`; nothing else in it comes from settings.
 */
export function launcherCss(appearance: WidgetSettings["appearance"]): string {
  const c = appearance.color;
  const [vertical, horizontal] = appearance.position.split("-");
  // The round button's speech-bubble icon is drawn here too: no image, nothing a CSP could block.
  const icon =
    appearance.launcher === "tab"
      ? ""
      : `:host>button::before{content:"";display:block;width:20px;height:15px;margin:0 auto 4px;border-radius:3px;background:#fff}:host>button::after{content:"";position:absolute;left:16px;top:29px;border:4px solid;border-color:#fff transparent transparent #fff}`;
  return `:host{all:initial!important;zoom:1!important;--c:${c}}:host>button{position:fixed;${vertical}:20px;${horizontal}:20px;z-index:2147483647;min-width:48px;height:48px;padding:0 13px;border:0;border-radius:24px;background:${c};color:#fff;font:600 14px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px #0004}:host>button:focus-visible{outline:3px solid ${c};outline-offset:2px}${icon}`;
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
  const auto = settings.rules.autoOpen;
  const autoOpenRules =
    settings.rules.audience !== "nobody" &&
    (auto.afterSeconds !== null || auto.scrollPercent !== null || auto.exitIntent || auto.onEvents.length > 0);
  return {
    widgetId: project.id,
    autoOpenRules,
    launcherCss: launcherCss(settings.appearance),
    ...settings,
    fields: { ...settings.fields, category: { ...category, options } },
  };
}
