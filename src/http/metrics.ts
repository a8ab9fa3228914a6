import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import type { Clock } from "../lib/clock.ts";
import { constantTimeEqual } from "../lib/crypto.ts";
import type { Logger } from "../lib/logger.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../lib/metrics.ts";
import {
  collectOperationalMetrics,
  createLoupeMetrics,
  type LoupeMetrics,
  type OperationalSources,
} from "../services/system/metrics.ts";
import type { AppEnv } from "./app-env.ts";
import { publicAction } from "./authorize.ts";
import { describeRoute, problemContent } from "./openapi.ts";
import { errorHandler, notFoundHandler } from "./problem.ts";
import { requestContext } from "./request-context.ts";
import { answeredRoute } from "./route-label.ts";
import { securityHeaders } from "./security-headers.ts";

export { createLoupeMetrics, type LoupeMetrics };

/** Refreshes the operational gauges (sessions, streams, sizes, backups, memory) before each scrape. */
export function watchOperations(metrics: LoupeMetrics, sources: OperationalSources): void {
  metrics.registry.onCollect(collectOperationalMetrics(metrics, sources));
}

/** The route patterns whose 201 is a feedback submission, and their source label. */
const SUBMISSION_ROUTES: Record<string, "widget" | "api"> = {
  "/api/v1/widget/:widgetKey/feedback": "widget",
  "/api/v1/teams/:teamId/feedback": "api",
};
const WIDGET_SUBMISSION = "/api/v1/widget/:widgetKey/feedback";

/**
 * Counts every answered request by method, route pattern and status, and times it; reads the
 * submission, refusal and 429 series off the response (status, route, problem code), so it depends
 * on no limiter's or service's internals.
 */
export function recordRequests(metrics: LoupeMetrics) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const method = c.req.method;
      const status = c.res.status;
      const route = answeredRoute(c, status);
      metrics.requests.inc({ method, route, status: String(status) });
      metrics.duration.observe(seconds, { method, route });
      if (status === 429) metrics.rateLimited.inc({ route });
      if (status === 507 && c.get("problemCode") === "STORAGE_FULL") metrics.storageFull.inc();
      const source = method === "POST" ? SUBMISSION_ROUTES[route] : undefined;
      if (source && status === 201) metrics.feedbackSubmitted.inc({ source });
      if (route === WIDGET_SUBMISSION && method === "POST" && status >= 400) {
        const code = c.get("problemCode");
        metrics.widgetRefused.inc({ reason: code ? code.toLowerCase() : `status_${status}` });
      }
    }
  });
}

export type MetricsRouteOptions = {
  metrics: LoupeMetrics;
  /** LOUPE_METRICS_TOKEN: when set, a request must carry `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** false: this listener does not serve the metrics (404, as for any unknown path). */
  enabled: boolean;
  onCollectError?: (error: unknown) => void;
};

/** The Bearer token of a request, if any (case-insensitive scheme, one space). */
function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * GET /metrics in the Prometheus text format. On the public listener only with LOUPE_METRICS_TOKEN
 * (compared in constant time); otherwise 404 there, and the metrics live on their own localhost port.
 */
export function metricsRoutes(options: MetricsRouteOptions) {
  return new Hono<AppEnv>().get(
    "/metrics",
    publicAction,
    describeRoute({
      tags: ["system"],
      summary:
        "Prometheus metrics (text format 0.0.4). Served here only when LOUPE_METRICS_TOKEN is set (Authorization: Bearer); otherwise 404 here and on LOUPE_METRICS_PORT (localhost) instead",
      responses: {
        200: { description: "The exposition", content: { "text/plain": { schema: { type: "string" } } } },
        401: { description: "No or a wrong bearer token", content: problemContent },
        404: { description: "Not served on this listener", content: problemContent },
      },
    }),
    (c) => {
      if (!options.enabled) throw new AppError("NOT_FOUND");
      if (options.token !== undefined) {
        // Hashing both sides first makes the comparison constant-time whatever the lengths.
        const given = bearer(c.req.header("Authorization")) ?? "";
        if (!constantTimeEqual(given, options.token)) {
          throw new AppError("UNAUTHENTICATED", "Send the metrics token as Authorization: Bearer.", {
            headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
          });
        }
      }
      return c.body(options.metrics.registry.render(options.onCollectError), 200, {
        "Content-Type": PROMETHEUS_CONTENT_TYPE,
        "Cache-Control": "no-store",
      });
    },
  );
}

/** The whole app of the metrics listener (LOUPE_METRICS_PORT): GET /metrics, and 404 problem+json elsewhere. */
export function metricsListenerApp(options: Omit<MetricsRouteOptions, "enabled"> & { logger: Logger; clock: Clock }) {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext(options.logger, options.clock));
  app.use("*", securityHeaders);
  app.onError(errorHandler(options.logger));
  app.notFound(notFoundHandler);
  app.route("/", metricsRoutes({ ...options, enabled: true }));
  return app;
}
