import { createMiddleware } from "hono/factory";
import type { Clock } from "../lib/clock.ts";
import { randomId } from "../lib/crypto.ts";
import type { Logger } from "../lib/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { answeredRoute } from "./route-label.ts";

/**
 * Gives every request an id (X-Request-Id) and writes one access-log line. The line names the
 * matched route pattern, never the raw path or query (they can hold tokens), and no header, IP or body.
 */
export function requestContext(logger: Logger, clock: Clock) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = clock.now();
    const requestId = randomId(12);
    c.set("requestId", requestId);
    c.set("logger", logger);
    await next();
    c.res.headers.set("X-Request-Id", requestId);
    logger.info("request", {
      requestId,
      method: c.req.method,
      route: answeredRoute(c, c.res.status),
      status: c.res.status,
      durationMs: clock.now() - started,
    });
  });
}
