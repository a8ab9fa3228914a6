import { Hono } from "hono";
import { AppError } from "../lib/app-error.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { errorHandler } from "./problem.ts";
import { requestContext } from "./request-context.ts";
import { securityHeaders } from "./security-headers.ts";

/**
 * The app of the optional plain-HTTP listener (LOUPE_HTTP_REDIRECT_PORT). Navigations are sent to the
 * same path on the https public URL with 308; the target's origin is the configured one, never the
 * request's Host header (no open redirect). API requests get a 400 problem instead of a redirect, so a
 * client misconfigured to send credentials over plain HTTP fails loudly rather than being silently
 * redirected after its secrets crossed the network in clear text (ASVS 4.1.2, SECURITY.md T-H2).
 */
export function httpsRedirectApp(publicOrigin: string, logger: Logger, clock: Clock): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext(logger, clock));
  app.use("*", securityHeaders);
  app.onError(errorHandler(logger));
  // Methods Loupe never serves are refused here too (T-H2), not redirected.
  app.use("*", async (c, next) => {
    if (["TRACE", "TRACK", "CONNECT"].includes(c.req.method.toUpperCase()))
      throw new AppError("METHOD_NOT_ALLOWED", undefined, { headers: { Allow: "GET, HEAD" } });
    return next();
  });
  app.all("/api/*", () => {
    throw new AppError(
      "HTTPS_REQUIRED",
      `The API answers over HTTPS only; send the request to ${publicOrigin} (this request was not forwarded).`,
    );
  });
  app.all("*", (c) => {
    const url = new URL(c.req.url);
    return new Response(null, { status: 308, headers: { Location: `${publicOrigin}${url.pathname}${url.search}` } });
  });
  return app;
}
