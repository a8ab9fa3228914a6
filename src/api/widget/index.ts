import { type Context, Hono } from "hono";
import { describeRoute } from "hono-openapi";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import {
  feedbackSubmissionBody,
  feedbackSubmissionLimit,
  readFeedbackSubmission,
} from "../../http/feedback-submission.ts";
import { jsonContent, problemContent } from "../../http/openapi.ts";
import { addressKey, type RequestLimiter, rateLimit } from "../../http/rate-limit.ts";
import { parseOrThrow, validate } from "../../http/validation.ts";
import { WIDGET_PREFLIGHT_HEADERS, type WidgetEnv, widgetOrigin } from "../../http/widget-origin.ts";
import { sha256Hex } from "../../lib/crypto.ts";
import type { ServiceContext } from "../../services/context.ts";
import { getWidgetConfig, submitWidgetFeedback } from "../../services/widget/widget.ts";
import { WidgetFeedbackInput, WidgetSubmittedSchema } from "../../shared/feedback.ts";
import { PublicWidgetConfigSchema } from "../../shared/widget-settings.ts";

const KeyParam = v.strictObject({ widgetKey: v.pipe(v.string(), v.regex(/^lpk_[A-Za-z0-9_-]{16,64}$/)) });
const problems = (statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: "Error (problem+json)", content: problemContent }]));

export type WidgetRouteDeps = {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  screenshotMaxBytes: number;
  /** A team's screenshot storage quota (LOUPE_TEAM_STORAGE_MAX_MB). */
  teamStorageMaxBytes: number;
  /** The request-rate limiter: widget config per client and key; submissions per client and key, and per key from everyone. */
  limits: RequestLimiter;
};

/**
 * /api/v1/widget/:widgetKey: the public ingest of the embeddable widget. No credentials: cookies are
 * never read or set and no session code runs (app.ts keeps the session and CSRF middleware off this
 * prefix); CORS only for the project's allowed origins instead.
 */
export function widgetRoutes(deps: WidgetRouteDeps) {
  const { ctx, action, limits } = deps;
  // Charged after the origin check, so a 429 carries the CORS answer the widget needs to read it.
  const perClient = (c: Context<AppEnv & WidgetEnv>) => `${addressKey(c)} ${c.var.widgetProject.id}`;
  const configLimit = () => rateLimit<AppEnv & WidgetEnv>(limits, "widget-config", perClient);
  return new Hono<AppEnv>()
    .get(
      "/:widgetKey/config",
      action("public"),
      describeRoute({
        summary:
          "The widget's public configuration (appearance, fields, privacy selectors, display rules, strings); no team data. Cacheable briefly, with an ETag",
        tags: ["widget"],
        responses: {
          200: { description: "Configuration", content: jsonContent(PublicWidgetConfigSchema) },
          304: { description: "Unchanged (If-None-Match)" },
          ...problems([400, 403, 404]),
        },
      }),
      validate("param", KeyParam),
      widgetOrigin(ctx, limits),
      configLimit(),
      (c) => {
        const body = JSON.stringify(getWidgetConfig(ctx, c.var.widgetProject));
        const etag = `"${sha256Hex(body).slice(0, 32)}"`;
        const caching = { ETag: etag, "Cache-Control": "public, max-age=60" };
        if (c.req.header("If-None-Match") === etag) return c.body(null, 304, caching);
        return c.body(body, 200, { ...caching, "Content-Type": "application/json; charset=utf-8" });
      },
    )
    .options(
      "/:widgetKey/feedback",
      action("public"),
      describeRoute({
        summary: "CORS preflight of a widget submission (answered for the project's allowed origins only)",
        tags: ["widget"],
        responses: { 204: { description: "Allowed" }, ...problems([403, 404]) },
      }),
      validate("param", KeyParam),
      widgetOrigin(ctx, limits),
      configLimit(),
      (c) => c.body(null, 204, WIDGET_PREFLIGHT_HEADERS),
    )
    .post(
      "/:widgetKey/feedback",
      action("public"),
      describeRoute({
        summary:
          "Submit feedback from the widget (no credentials; Origin must be an allowed origin of the project; a repeated idempotencyId returns the first item's id)",
        tags: ["widget"],
        requestBody: feedbackSubmissionBody(WidgetFeedbackInput),
        responses: {
          201: { description: "Received", content: jsonContent(WidgetSubmittedSchema) },
          ...problems([400, 403, 404, 413, 415, 429]),
        },
      }),
      validate("param", KeyParam),
      widgetOrigin(ctx, limits),
      // One client may not flood a project (T-W4), and all clients together may not flood it either.
      rateLimit<AppEnv & WidgetEnv>(limits, "widget-submission", perClient),
      rateLimit<AppEnv & WidgetEnv>(limits, "widget-key", (c) => c.var.widgetProject.id),
      feedbackSubmissionLimit(deps.screenshotMaxBytes),
      async (c) => {
        const { payload, screenshot } = await readFeedbackSubmission(c, {
          maxBytes: deps.screenshotMaxBytes,
          teamQuotaBytes: deps.teamStorageMaxBytes,
        });
        const submitted = submitWidgetFeedback(ctx, {
          project: c.var.widgetProject,
          clientAddress: c.get("clientAddress") ?? "unknown",
          userAgent: c.req.header("User-Agent") ?? "",
          feedback: parseOrThrow(WidgetFeedbackInput, payload, "payload"),
          ...(screenshot ? { screenshot } : {}),
        });
        return c.json(submitted, 201);
      },
    );
}
