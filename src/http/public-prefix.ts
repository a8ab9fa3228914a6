import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";

/** The widget's public routes: no credentials, so no session or same-origin (CSRF) code runs there. */
export const WIDGET_PREFIX = "/api/v1/widget/";

/** Runs `middleware` everywhere but under WIDGET_PREFIX. */
export function exceptWidget(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.path.startsWith(WIDGET_PREFIX)) return next();
    return middleware(c, next);
  });
}
