import { Hono } from "hono";
import { authRoutes } from "./api/auth/index.ts";
import { healthRoutes } from "./api/health/index.ts";
import { ssoRoutes } from "./api/auth/sso.ts";
import { instanceRoutes, ssoProviderRoutes } from "./api/instance/index.ts";
import { meRoutes } from "./api/me/index.ts";
import { feedbackRoutes } from "./api/feedback/index.ts";
import { projectRoutes } from "./api/projects/index.ts";
import { teamRoutes } from "./api/teams/index.ts";
import type { Config } from "./config.ts";
import type { AppEnv } from "./http/app-env.ts";
import { authenticate } from "./http/auth.ts";
import { clientAddress } from "./http/client-address.ts";
import { action, assertEveryRouteDeclaresAnAction } from "./http/authorize.ts";
import { cookieNames } from "./http/cookies.ts";
import { csrfProtection } from "./http/csrf.ts";
import { requireJsonBody } from "./http/content-type.ts";
import { createIpLimiter } from "./http/rate-limit.ts";
import { jsonBodyLimit } from "./http/body-limit.ts";
import { openApiDocument } from "./http/openapi.ts";
import { errorHandler, notFoundHandler } from "./http/problem.ts";
import { requestContext } from "./http/request-context.ts";
import { securityHeaders } from "./http/security-headers.ts";
import type { Clock } from "./lib/clock.ts";
import type { Logger } from "./lib/logger.ts";
import type { Mailer } from "./lib/mailer.ts";
import type { PasswordHasher } from "./lib/password.ts";
import type { ServiceContext } from "./services/context.ts";
import type { Db } from "./store/database.ts";
import type { Keyring } from "./store/keyring.ts";
import type { Migration } from "./store/migrate.ts";

export type AppDeps = {
  config: Config;
  logger: Logger;
  clock: Clock;
  db: Db;
  keyring: Keyring;
  migrations: Migration[];
  version: string;
  passwords: PasswordHasher;
  mailer: Mailer | undefined;
  /** Per-IP limit on the authentication routes: attempts per minute. */
  authAttemptsPerMinute?: number;
};

/** The service context every route folder gets. */
export function serviceContext(deps: AppDeps): ServiceContext {
  return {
    db: deps.db,
    keyring: deps.keyring,
    clock: deps.clock,
    logger: deps.logger,
    passwords: deps.passwords,
    mailer: deps.mailer,
    publicOrigin: deps.config.publicOrigin,
    dataDir: deps.config.dataDir,
  };
}

/** Builds the whole HTTP app from its dependencies. No I/O here: tests drive it with app.request(). */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", requestContext(deps.logger, deps.clock));
  app.use("*", clientAddress(deps.config.trustedProxies));
  app.use("*", securityHeaders);
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  const ctx = serviceContext(deps);
  const cookies = cookieNames(deps.config.secureCookies);
  const ipLimiter = createIpLimiter({ capacity: deps.authAttemptsPerMinute ?? 30, perMs: 60_000, now: deps.clock.now });
  app.use("/api/*", csrfProtection(deps.config.publicOrigin));
  app.use("/api/*", requireJsonBody());
  app.use("/api/*", jsonBodyLimit(64 * 1024));
  app.use("/api/*", authenticate(ctx, cookies));

  app.route("/", healthRoutes({ db: deps.db, migrations: deps.migrations }));
  app.route("/", authRoutes({ ctx, cookies, keyDir: deps.config.keyDir, ipLimiter }));
  app.route("/", meRoutes({ ctx, cookies }));
  app.route("/", ssoRoutes({ ctx, cookies, ipLimiter }));
  app.route("/", instanceRoutes({ ctx }));
  app.route("/", ssoProviderRoutes({ ctx }));
  app.route("/", teamRoutes({ ctx }));
  app.route("/", projectRoutes({ ctx }));
  app.route("/", feedbackRoutes({ ctx, screenshotMaxBytes: deps.config.screenshotMaxBytes }));

  app.get("/api/openapi.json", action("public"), openApiDocument(app, deps.version));
  assertEveryRouteDeclaresAnAction(app);
  return app;
}
