import { Hono } from "hono";
import { adminRoutes } from "./admin/index.ts";
import { tryPageRoutes } from "./admin/try-page.ts";
import { authRoutes } from "./api/auth/index.ts";
import { ssoRoutes } from "./api/auth/sso/index.ts";
import { eventRoutes } from "./api/events/index.ts";
import { crossTeamFeedbackRoutes } from "./api/feedback/index.ts";
import { healthRoutes } from "./api/health/index.ts";
import { instanceBackupRoutes } from "./api/instance/backups/index.ts";
import { instanceHealthRoutes } from "./api/instance/health/index.ts";
import { instanceRoutes } from "./api/instance/index.ts";
import { ssoProviderRoutes } from "./api/instance/sso-providers/index.ts";
import { invitationRoutes } from "./api/invitations/index.ts";
import { meRoutes } from "./api/me/index.ts";
import { meMfaRoutes } from "./api/me/mfa/index.ts";
import { mePasswordRoutes } from "./api/me/password/index.ts";
import { meSessionRoutes } from "./api/me/sessions/index.ts";
import { meSsoRoutes } from "./api/me/sso/index.ts";
import { meTokenRoutes } from "./api/me/tokens/index.ts";
import { setupRoutes } from "./api/setup/index.ts";
import { teamAuditRoutes } from "./api/teams/audit/index.ts";
import { feedbackRoutes } from "./api/teams/feedback/index.ts";
import { teamRoutes } from "./api/teams/index.ts";
import { teamInvitationRoutes } from "./api/teams/invitations/index.ts";
import { labelRoutes } from "./api/teams/labels/index.ts";
import { memberRoutes } from "./api/teams/members/index.ts";
import { policyRoutes } from "./api/teams/policy/index.ts";
import { privacyRoutes } from "./api/teams/privacy/index.ts";
import { projectRoutes } from "./api/teams/projects/index.ts";
import { supportAccessRoutes } from "./api/teams/support-access/index.ts";
import { teamTokenRoutes } from "./api/teams/tokens/index.ts";
import { widgetRoutes } from "./api/widget/index.ts";
import type { Config } from "./config.ts";
import type { AppEnv } from "./http/app-env.ts";
import { assetRoutes } from "./http/assets.ts";
import { authenticate } from "./http/auth.ts";
import { assertEveryRouteDeclaresAnAction, publicAction, routeActions } from "./http/authorize.ts";
import { jsonBodyLimit, jsonDepthLimit } from "./http/body-limit.ts";
import { clientAddress } from "./http/client-address.ts";
import { requireJsonBody } from "./http/content-type.ts";
import { cookieNames } from "./http/cookies.ts";
import { csrfProtection } from "./http/csrf.ts";
import { strictTransportSecurity } from "./http/hsts.ts";
import { methodNotAllowed, routeMethods } from "./http/method-not-allowed.ts";
import {
  createLoupeMetrics,
  type LoupeMetrics,
  metricsRoutes,
  recordRequests,
  watchOperations,
} from "./http/metrics.ts";
import { openApiDocument } from "./http/openapi.ts";
import { errorHandler, notFoundHandler } from "./http/problem.ts";
import { exceptWidget } from "./http/public-prefix.ts";
import { createRequestLimiter, limitApiTokens, limitRequests } from "./http/rate-limit.ts";
import { requestContext } from "./http/request-context.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { JSON_BODY_MAX_BYTES } from "./lib/body-limits.ts";
import type { BuiltAssets } from "./lib/built-assets.ts";
import type { Clock } from "./lib/clock.ts";
import { errorFields, type Logger } from "./lib/logger.ts";
import type { Mailer } from "./lib/mailer.ts";
import type { PasswordHasher } from "./lib/password.ts";
import type { AuditHeadAnchor } from "./services/audit/audit-head.ts";
import type { BackupManager } from "./services/backup/manager.ts";
import type { ServiceContext } from "./services/context.ts";
import type { LiveBus } from "./services/live/bus.ts";
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
  /** The built browser files (widget); absent, /widget.js answers 404. */
  assets?: BuiltAssets;
  /** The audit head's anchor (main.ts: coalesced by a timer); absent, the head is written at each commit. */
  auditHead?: AuditHeadAnchor;
  /** Live updates (main.ts); absent, GET /api/v1/events answers 503. */
  live?: LiveBus;
  /** Backups of this data directory (main.ts, test app); absent, the backup routes answer 503. */
  backups?: BackupManager;
  /** The process's metrics (main.ts also serves them on LOUPE_METRICS_PORT); absent, the app makes its own. */
  metrics?: LoupeMetrics;
};

const contexts = new WeakMap<AppDeps, ServiceContext>();

/**
 * The service context every route folder gets: one per app instance (the same `deps` always give the
 * same context), so what it holds beyond the deps (caches) belongs to that instance alone.
 */
export function serviceContext(deps: AppDeps): ServiceContext {
  let ctx = contexts.get(deps);
  if (!ctx) {
    ctx = {
      db: deps.db,
      keyring: deps.keyring,
      clock: deps.clock,
      logger: deps.logger,
      passwords: deps.passwords,
      mailer: deps.mailer,
      publicOrigin: deps.config.publicOrigin,
      dataDir: deps.config.dataDir,
      ssoConfigs: new Map(),
      auditHead: deps.auditHead,
      ...(deps.live ? { live: deps.live } : {}),
    };
    contexts.set(deps, ctx);
  }
  return ctx;
}

/** Builds the whole HTTP app from its dependencies. No I/O here: tests drive it with app.request(). */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // First, so that every answer gets the headers, whatever the middleware after it throws.
  app.use("*", securityHeaders);
  if (deps.config.hsts) app.use("*", strictTransportSecurity);
  app.use("*", requestContext(deps.logger, deps.clock));
  // Before the 405 check, so that probing with odd methods is counted too.
  const metrics = deps.metrics ?? createLoupeMetrics();
  app.use("*", recordRequests(metrics));
  // HEAD of the live-update stream would take one of the session's stream slots for nothing.
  app.use("*", methodNotAllowed(routeMethods(app, ["/api/v1/events"])));
  app.use("*", clientAddress(deps.config.trustedProxies));
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler);

  const ctx = serviceContext(deps);
  const cookies = cookieNames(deps.config.secureCookies);
  const limits = createRequestLimiter(deps.config.rateLimits, deps.clock.now);
  app.use("/api/*", exceptWidget(csrfProtection(deps.config.publicOrigin)));
  app.use("/api/*", requireJsonBody());
  app.use("/api/*", jsonBodyLimit(JSON_BODY_MAX_BYTES));
  app.use("/api/*", jsonDepthLimit());
  // The request-rate limiter: requests with an API token per address before the token is looked up;
  // the widget's classes in its routes (after CORS; a refused key or origin counts per address); the
  // rest after authentication (limitRequests below), per account or per address.
  app.use("/api/*", exceptWidget(limitApiTokens(limits)));
  // The live-update stream is not activity: it must not keep a session alive.
  app.use("/api/*", exceptWidget(authenticate(ctx, cookies, { passivePaths: ["/api/v1/events"] })));
  app.use("/api/*", exceptWidget(limitRequests(limits)));

  const action = routeActions(ctx);
  const base = { ctx, action };
  // Each sub-app is mounted at its URL prefix: the path names the folder that serves it.
  app.route(
    "/",
    healthRoutes({
      db: deps.db,
      migrations: deps.migrations,
      dataDir: deps.config.dataDir,
      ...(deps.backups ? { backups: deps.backups } : {}),
    }),
  );
  watchOperations(metrics, {
    ctx,
    version: deps.version,
    backupDir: deps.config.backup.dir,
    ...(deps.backups ? { backups: deps.backups } : {}),
  });
  // On the public listener only behind its token; otherwise 404 here (main.ts serves LOUPE_METRICS_PORT).
  app.route(
    "/",
    metricsRoutes({
      metrics,
      token: deps.config.metrics.token,
      enabled: deps.config.metrics.token !== undefined,
      onCollectError: (error) => deps.logger.error("metrics.collect_failed", errorFields(error)),
    }),
  );
  app.route("/", assetRoutes(deps.assets ?? new Map()));
  app.route("/", adminRoutes(deps.assets ?? new Map()));
  app.route("/", tryPageRoutes({ ctx, assets: deps.assets ?? new Map() }));
  app.route("/api/v1/setup", setupRoutes({ ...base, cookies, keyDir: deps.config.keyDir, limits }));
  app.route("/api/v1/auth", authRoutes({ ...base, cookies, limits }));
  app.route("/api/v1/auth/sso", ssoRoutes({ ...base, cookies, limits }));
  app.route("/api/v1/me", meRoutes(base));
  app.route("/api/v1/me/password", mePasswordRoutes({ ...base, cookies }));
  app.route("/api/v1/me/mfa", meMfaRoutes({ ...base, cookies }));
  app.route("/api/v1/me", meSsoRoutes({ ...base, cookies }));
  app.route("/api/v1/me/sessions", meSessionRoutes(base));
  app.route("/api/v1/me/tokens", meTokenRoutes(base));
  app.route("/api/v1/events", eventRoutes({ ...base, limits }));
  app.route("/api/v1/instance", instanceRoutes(base));
  app.route("/api/v1/instance/sso-providers", ssoProviderRoutes(base));
  app.route(
    "/api/v1/instance/health",
    instanceHealthRoutes({ ...base, migrations: deps.migrations, version: deps.version, backups: deps.backups }),
  );
  app.route("/api/v1/instance/backups", instanceBackupRoutes({ ...base, backups: deps.backups }));
  app.route("/api/v1/invitations", invitationRoutes({ ...base, limits }));
  app.route("/api/v1/feedback", crossTeamFeedbackRoutes(base));
  app.route("/api/v1/teams", teamRoutes(base));
  app.route("/api/v1/teams/:teamId/audit", teamAuditRoutes(base));
  app.route("/api/v1/teams/:teamId/policy", policyRoutes(base));
  app.route("/api/v1/teams/:teamId/members", memberRoutes(base));
  app.route("/api/v1/teams/:teamId/invitations", teamInvitationRoutes(base));
  app.route("/api/v1/teams/:teamId/support-access", supportAccessRoutes(base));
  app.route("/api/v1/teams/:teamId/tokens", teamTokenRoutes(base));
  app.route("/api/v1/teams/:teamId/projects", projectRoutes(base));
  app.route("/api/v1/teams/:teamId/labels", labelRoutes(base));
  app.route("/api/v1/teams/:teamId/privacy", privacyRoutes(base));
  app.route(
    "/api/v1/teams/:teamId/feedback",
    feedbackRoutes({
      ...base,
      screenshotMaxBytes: deps.config.screenshotMaxBytes,
      teamStorageMaxBytes: deps.config.teamStorageMaxBytes,
    }),
  );
  app.route(
    "/api/v1/widget",
    widgetRoutes({
      ...base,
      screenshotMaxBytes: deps.config.screenshotMaxBytes,
      teamStorageMaxBytes: deps.config.teamStorageMaxBytes,
      limits,
    }),
  );

  app.get("/api/openapi.json", publicAction, openApiDocument(app));
  assertEveryRouteDeclaresAnAction(app);
  return app;
}
