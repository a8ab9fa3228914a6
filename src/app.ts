import { Hono } from "hono";
import { healthRoutes } from "./api/health/index.ts";
import type { Config } from "./config.ts";
import type { AppEnv } from "./http/app-env.ts";
import { openApiDocument } from "./http/openapi.ts";
import { errorHandler, notFoundHandler } from "./http/problem.ts";
import { requestContext } from "./http/request-context.ts";
import { securityHeaders } from "./http/security-headers.ts";
import type { Clock } from "./lib/clock.ts";
import type { Logger } from "./lib/logger.ts";
import type { Db } from "./store/database.ts";
import type { Migration } from "./store/migrate.ts";

export type AppDeps = {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  migrations: Migration[];
  version: string;
};

/** Builds the whole HTTP app from its dependencies. No I/O here: tests drive it with app.request(). */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext(deps.logger, deps.clock));
  app.use("*", securityHeaders);
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  app.route("/", healthRoutes({ db: deps.db, migrations: deps.migrations }));

  app.get("/api/openapi.json", openApiDocument(app, deps.version));
  return app;
}
