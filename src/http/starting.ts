import { Hono } from "hono";
import { AppError } from "../lib/app-error.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { strictTransportSecurity } from "./hsts.ts";
import { errorHandler } from "./problem.ts";
import { requestContext } from "./request-context.ts";
import { securityHeaders } from "./security-headers.ts";

/**
 * What the port answers while the store opens and migrations run (main.ts listens before touching
 * the data, so a second Loupe on a busy port changes nothing): 503 problem+json with Retry-After.
 */
export function startingApp(logger: Logger, clock: Clock, hsts = false): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", securityHeaders);
  if (hsts) app.use("*", strictTransportSecurity);
  app.use("*", requestContext(logger, clock));
  app.onError(errorHandler(logger));
  app.all("*", () => {
    throw new AppError("SERVER_STARTING", "Loupe is starting; try again in a moment.", {
      headers: { "Retry-After": "1" },
    });
  });
  return app;
}
