import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import type { ServiceContext } from "../services/context.ts";
import { tooManyAttempts } from "../services/errors.ts";
import { resolveWidgetProject, type WidgetProject } from "../services/widget/widget.ts";
import type { AppEnv } from "./app-env.ts";
import { addressKey, type RequestLimiter, rateLimitHeaders } from "./rate-limit.ts";

export type WidgetEnv = { Variables: { widgetProject: WidgetProject } };

/**
 * CORS for the widget's public routes (T-W2): the `Origin` header must be present and one of the
 * project's allowed origins (or Loupe's own origin, for the try page), for simple requests too;
 * otherwise 404/403 with no Access-Control-Allow-Origin. An allowed origin gets its own value back
 * (never `*`, no credentials), on errors as well, so the widget can read the problem and keep the
 * visitor's draft.
 */
export function widgetOrigin(ctx: ServiceContext, limits: RequestLimiter) {
  return createMiddleware<AppEnv & WidgetEnv>(async (c, next) => {
    const origin = c.req.header("Origin");
    // Loupe's own pages (the try page): its public origin, or a browser's same-origin GET, which
    // carries no Origin header but says where it comes from in Sec-Fetch-Site.
    const fromLoupe =
      origin === ctx.publicOrigin || (origin === undefined && c.req.header("Sec-Fetch-Site") === "same-origin");
    let project: WidgetProject;
    try {
      project = resolveWidgetProject(ctx, { widgetKey: c.req.param("widgetKey") ?? "", origin, fromLoupe });
    } catch (error) {
      // The route's own classes are keyed by the project, known only now: a refused key or origin
      // (a database read each) is charged here, per client address, so guessing keys is bounded too.
      if (error instanceof AppError) {
        const take = limits.take("api-anonymous", addressKey(c));
        if (!take.allowed) {
          const headers = rateLimitHeaders("api-anonymous", limits.quota("api-anonymous"), take);
          throw tooManyAttempts(take.retryAfterSeconds, {
            "RateLimit-Policy": headers.policy,
            RateLimit: headers.state,
          });
        }
      }
      throw error;
    }
    c.set("widgetProject", project);
    await next();
    if (origin === undefined) return; // same-origin: no CORS answer needed
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    // The widget reads how long to wait after a 429 (and the limits ahead of it), and the id to quote in a report.
    c.res.headers.set("Access-Control-Expose-Headers", "Retry-After, RateLimit, RateLimit-Policy, X-Request-Id");
    c.res.headers.append("Vary", "Origin");
  });
}

/** The preflight answer for an allowed origin: POST with a JSON or multipart body, cached 10 minutes. */
export const WIDGET_PREFLIGHT_HEADERS = {
  "Access-Control-Allow-Methods": "POST",
  "Access-Control-Allow-Headers": "Content-Type",
  "Access-Control-Max-Age": "600",
} as const;
