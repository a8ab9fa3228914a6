import { mkdirSync } from "node:fs";
import type { Hono } from "hono";
import { type AppDeps, createApp, serviceContext } from "./app.ts";
import { type Config, SERVER_IDLE_TIMEOUT_SECONDS } from "./config.ts";
import type { AppEnv } from "./http/app-env.ts";
import { httpsRedirectApp } from "./http/https-redirect.ts";
import { createLoupeMetrics, metricsListenerApp } from "./http/metrics.ts";
import { startingApp } from "./http/starting.ts";
import { startBackupSchedule } from "./jobs/backup.ts";
import { startDailyJobs } from "./jobs/daily.ts";
import { AppError } from "./lib/app-error.ts";
import { bodyLimits } from "./lib/body-limits.ts";
import { loadBuiltAssets } from "./lib/built-assets.ts";
import { type Clock, systemClock } from "./lib/clock.ts";
import { createLogger, errorFields, type Logger } from "./lib/logger.ts";
import { createSmtpMailer, type Mailer } from "./lib/mailer.ts";
import { createPasswordHasher } from "./lib/password.ts";
import { loadTlsMaterial, TLS_CIPHERS, type TlsMaterial } from "./lib/tls.ts";
import { dummyHash } from "./services/accounts/login.ts";
import { prepareSetup } from "./services/accounts/setup.ts";
import { type AuditHeadAnchor, createAuditHeadAnchor, type Scheduler } from "./services/audit/audit-head.ts";
import { type BackupManager, type BackupSettings, createBackupManager } from "./services/backup/manager.ts";
import type { ServiceContext } from "./services/context.ts";
import { createLiveBus, type LiveBus } from "./services/live/bus.ts";
import { acquireLock } from "./store/lock.ts";
import { migrate } from "./store/migrate.ts";
import { bundledMigrations } from "./store/migration-files.ts";
import { openStore, type Store } from "./store/store.ts";
import { VERSION } from "./version.ts";

export type ServerOptions = {
  logger?: Logger;
  clock?: Clock;
  /** Human-facing notices (where the key is, the URL); stderr by default. */
  notice?: (line: string) => void;
  /** Outgoing mail; by default SMTP from LOUPE_SMTP_URL when set. */
  mailer?: Mailer;
  /** Lets a test harness mount extra routes on the real app (e.g. a write load for crash tests). */
  extendApp?: (app: Hono<AppEnv>, store: Store) => void;
  /** Schedules the audit head's coalesced writes; setTimeout by default (tests drive their own). */
  schedule?: Scheduler;
  /** false: no daily backup schedule and no catch-up backup at start (tests of other things). Default true. */
  backups?: boolean;
};

/** The backup settings of a configuration, on an open store. */
export function backupSettings(config: Config, store: Store): BackupSettings {
  return {
    dataDir: config.dataDir,
    keyDir: config.keyDir,
    backupDir: config.backup.dir,
    mirrorDir: config.backup.mirrorDir,
    hour: config.backup.hour,
    minute: config.backup.minute,
    recipients: config.backup.recipients,
    masterKey: { key: store.masterKey.key, id: store.masterKey.id },
    busyTimeoutMs: config.busyTimeoutMs,
    version: VERSION,
    knownMigrations: bundledMigrations().map((m) => m.name),
  };
}

/** The backup manager of a service context (the server's or a command's). */
export function backupManager(ctx: ServiceContext, config: Config, store: Store): BackupManager {
  return createBackupManager(ctx, backupSettings(config, store));
}

export type ServerHandle = {
  url: string;
  port: number;
  /** The plain-HTTP redirect listener's port (LOUPE_HTTP_REDIRECT_PORT), when there is one. */
  redirectPort: number | undefined;
  /** The metrics listener's port (LOUPE_METRICS_PORT), when one was asked for. */
  metricsPort?: number;
  store: Store;
  /** Stops accepting, lets in-flight requests finish (bounded), anchors the audit head, checkpoints the WAL, closes the database. */
  stop(): Promise<void>;
  /**
   * Re-reads LOUPE_TLS_CERT / LOUPE_TLS_KEY and serves the new pair (SIGHUP). false when TLS is off or the
   * new pair is unusable (the old one keeps serving; the error is logged). Throws only when no listener
   * could be bound again.
   */
  reloadTls(): Promise<boolean>;
};

/** The default of LOUPE_IDLE_TIMEOUT_SECONDS (src/config.ts says why it is what it is). */
export { SERVER_IDLE_TIMEOUT_SECONDS } from "./config.ts";

/** What the app gets from the server beside a request: the peer address, the idle-timeout switches. */
export function requestBindings(
  request: Request,
  server: Bun.Server<unknown>,
  idleTimeoutSeconds: number = SERVER_IDLE_TIMEOUT_SECONDS,
): AppEnv["Bindings"] {
  return {
    clientIp: server.requestIP(request)?.address,
    disableIdleTimeout: () => server.timeout(request, 0),
    allowSlowBody: (seconds) => {
      server.timeout(request, Math.max(seconds, idleTimeoutSeconds));
      return () => server.timeout(request, idleTimeoutSeconds);
    },
  };
}

/** The app's fetch with its bindings (the peer address for per-IP limits, the idle-timeout switch). */
type Fetch = (request: Request, bindings: AppEnv["Bindings"]) => Response | Promise<Response>;

type Listener = ReturnType<typeof Bun.serve>;

/**
 * Binds one listener. SO_REUSEPORT stays off: with it a second server on the same port would start
 * silently and the kernel would split connections (sign-ins included) between the two.
 */
function bind(config: Config, port: number, variable: string, serve: () => Listener): Listener {
  try {
    return serve();
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "EADDRINUSE") {
      throw new AppError(
        "PORT_IN_USE",
        `Port ${port} on ${config.host} is already in use (another Loupe or another program listens there); stop it or set ${variable}.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** The metrics listener (LOUPE_METRICS_PORT, on LOUPE_METRICS_HOST: localhost unless the operator says otherwise). */
function listenForMetrics(config: Config, port: number, fetch: (request: Request) => Response | Promise<Response>) {
  try {
    // GET /metrics only: no body worth more than a few bytes, and no connection kept for long.
    return Bun.serve({
      hostname: config.metrics.host,
      port,
      reusePort: false,
      fetch,
      development: false,
      maxRequestBodySize: 1024,
      idleTimeout: config.idleTimeoutSeconds,
    });
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "EADDRINUSE") {
      throw new AppError(
        "PORT_IN_USE",
        `Port ${port} on ${config.metrics.host} is already in use; set another LOUPE_METRICS_PORT.`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Listens on the configured address, with HTTPS when a certificate is given (TLS 1.2+, AEAD suites
 * only: lib/tls.ts). Slow clients: Bun closes a connection that has not sent a complete first request
 * within about 10 s (fixed in Bun, not extended by dripped header bytes), and one silent for
 * `idleTimeout` after that, which Bun does not restart for arriving body bytes
 * (test/transport.slow-clients.test.ts); headers above Bun's 16 KiB get 431.
 */
function listen(config: Config, port: number, fetch: Fetch, tls: TlsMaterial | undefined): Listener {
  return bind(config, port, "LOUPE_PORT", () =>
    Bun.serve({
      hostname: config.host,
      port,
      reusePort: false,
      // The peer address goes to the app as a binding (for per-IP limits), never into a log.
      fetch: (request, srv) => fetch(request, requestBindings(request, srv, config.idleTimeoutSeconds)),
      development: false,
      // Above the app's own limits, so their 413 problem+json answers first (see bodyLimits).
      maxRequestBodySize: bodyLimits(config.screenshotMaxBytes).server,
      idleTimeout: config.idleTimeoutSeconds,
      ...(tls ? { tls: { cert: tls.cert, key: tls.key, ciphers: TLS_CIPHERS } } : {}),
    }),
  );
}

/** The optional plain-HTTP listener: redirects navigations to the https public URL, refuses the API. */
function listenRedirect(config: Config, port: number, logger: Logger, clock: Clock): Listener {
  const app = httpsRedirectApp(config.publicOrigin, logger, clock);
  return bind(config, port, "LOUPE_HTTP_REDIRECT_PORT", () =>
    Bun.serve({
      hostname: config.host,
      port,
      reusePort: false,
      fetch: (request, srv) => app.fetch(request, requestBindings(request, srv, config.idleTimeoutSeconds)),
      development: false,
      // It reads no body.
      maxRequestBodySize: 1024,
      idleTimeout: config.idleTimeoutSeconds,
    }),
  );
}

/**
 * The composition root: config → lock → port → store → migrations → app → jobs. The data directory's
 * lock and the port are both taken before any data is touched, so a second instance exits at once.
 */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<ServerHandle> {
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  const clock = options.clock ?? systemClock;
  const notice = options.notice ?? ((line: string) => process.stderr.write(line + "\n"));

  // A certificate that cannot be used stops the start before anything else happens.
  let tls = config.tls ? loadTlsMaterial(config.tls) : undefined;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = acquireLock(config.dataDir, "serve");
  let app: Hono<AppEnv> = startingApp(logger, clock, config.hsts);
  const fetchApp: Fetch = (request, bindings) => app.fetch(request, bindings);
  let server: Listener;
  let redirect: Listener | undefined;
  try {
    server = listen(config, config.port, fetchApp, tls);
  } catch (error) {
    releaseLock();
    throw error;
  }
  try {
    if (config.httpRedirectPort !== undefined)
      redirect = listenRedirect(config, config.httpRedirectPort, logger, clock);
  } catch (error) {
    await server.stop(true);
    releaseLock();
    throw error;
  }
  let store: Store | undefined;
  let auditHead: AuditHeadAnchor | undefined;
  let live: LiveBus | undefined;
  let deps: AppDeps;
  let backups: BackupManager | undefined;
  let metricsServer: ReturnType<typeof Bun.serve> | undefined;
  const metrics = createLoupeMetrics();
  try {
    store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey, busyTimeoutMs: config.busyTimeoutMs });
    if (store.masterKey.generated) {
      notice(`Loupe generated a master key at ${store.masterKey.description} (id ${store.masterKey.id}).`);
      notice(
        "That is fine for trying Loupe out. In production supply your own with LOUPE_MASTER_KEY or LOUPE_MASTER_KEY_FILE, kept apart from the data and its backups.",
      );
      logger.warn("master_key.generated", { keyId: store.masterKey.id });
    }
    const migrations = bundledMigrations();
    for (const name of migrate(store.db, migrations, clock.now)) logger.info("migration.applied", { migration: name });

    const assets = loadBuiltAssets();
    if (!assets.has("/widget.js")) logger.warn("widget.not_built");
    const passwords = createPasswordHasher();
    const mailer = options.mailer ?? (config.smtp ? createSmtpMailer(config.smtp.url, config.smtp.from) : undefined);
    const schedule: Scheduler =
      options.schedule ??
      ((run, delayMs) => {
        const timer = setTimeout(run, delayMs);
        return () => clearTimeout(timer);
      });
    // The audit chain is extended in every commit; its head file is anchored off the request path.
    auditHead = createAuditHeadAnchor({ dataDir: config.dataDir, key: store.keyring.audit, logger, schedule });
    live = createLiveBus({ logger, schedule });
    deps = {
      config,
      logger,
      clock,
      db: store.db,
      keyring: store.keyring,
      migrations,
      version: VERSION,
      passwords,
      mailer,
      auditHead,
      live,
      assets,
      metrics,
    };
    backups = backupManager(serviceContext(deps), config, store);
    deps.backups = backups;
    const ready = createApp(deps);
    options.extendApp?.(ready, store);
    if (config.metrics.port !== undefined) {
      const metricsApp = metricsListenerApp({ metrics, token: config.metrics.token, logger, clock });
      metricsServer = listenForMetrics(config, config.metrics.port, (request) => metricsApp.fetch(request));
    }
    // Unknown emails must cost one argon2id verify like known ones, from the first request on.
    await dummyHash(passwords);
    app = ready;
    const setup = prepareSetup(serviceContext(deps), config.keyDir);
    if (setup) {
      logger.warn("setup.pending", { path: setup.file });
      notice(
        `No account exists yet. Open the one-time setup link (valid 1 hour) to create the first admin; it is in ${setup.file}.`,
      );
      if (process.stderr.isTTY) notice(`  ${setup.url}`);
    }
  } catch (error) {
    await server.stop(true);
    await redirect?.stop(true);
    await metricsServer?.stop(true);
    auditHead?.close();
    store?.close();
    releaseLock();
    throw error;
  }
  const stopDaily = startDailyJobs(serviceContext(deps));
  const stopBackups = options.backups === false || !backups ? () => {} : startBackupSchedule(backups, logger);
  const stopJobs = () => {
    stopDaily();
    stopBackups();
  };
  const port = server.port ?? config.port;
  const scheme = tls ? "https" : "http";
  logger.info("server.listening", { port });
  notice(`Loupe ${VERSION} is listening on ${scheme}://${config.host}:${port} (public URL ${config.publicUrl}).`);
  if (tls) {
    logger.info("tls.loaded", { digest: tls.digest });
    notice(`TLS certificate sha256 ${tls.digest}, valid until ${tls.validTo}; kill -HUP ${process.pid} reloads it.`);
  }
  const redirectPort = redirect ? (redirect.port ?? config.httpRedirectPort) : undefined;
  if (redirect) notice(`Plain HTTP on http://${config.host}:${redirectPort} only redirects to ${config.publicUrl}.`);
  const metricsPort = metricsServer?.port;
  if (metricsServer) {
    logger.info("metrics.listening", { port: metricsPort });
    if (!config.metrics.token && !["127.0.0.1", "::1", "[::1]", "localhost"].includes(config.metrics.host)) {
      // The operator's choice, but worth a line: anyone who reaches that address reads the metrics.
      logger.warn("metrics.no_token", { port: metricsPort });
    }
    notice(`Metrics are served on http://${config.metrics.host}:${metricsPort}/metrics.`);
  }

  const opened = store;
  const anchor = auditHead;
  const streams = live;
  let stopping: Promise<void> | undefined;
  // Listeners a certificate reload replaced: they finish their in-flight requests, then close.
  const retired = new Set<Listener>();
  const stop = () => {
    stopping ??= (async () => {
      logger.info("server.stopping");
      stopJobs();
      await metricsServer?.stop(true);
      // Open live-update streams end now (browsers reconnect to the next server); the drain waits for the rest.
      streams?.close();
      const listeners = [server, ...retired, ...(redirect ? [redirect] : [])];
      const drained = Promise.all(listeners.map((l) => l.stop(false))).then(() => true);
      const inTime = await Promise.race([drained, Bun.sleep(config.shutdownTimeoutMs).then(() => false)]);
      if (!inTime) await Promise.all(listeners.map((l) => l.stop(true)));
      try {
        anchor.close();
        opened.close();
      } catch (error) {
        logger.error("store.close_failed", errorFields(error));
      } finally {
        releaseLock();
      }
      logger.info("server.stopped", { ok: inTime });
    })();
    return stopping;
  };

  /**
   * `server.reload({ tls })` keeps the old certificate (measured, Bun 1.4.5), so a reload stops
   * accepting on the old listener — its in-flight requests and open streams go on to their end — and
   * binds a new one on the same port at once. Only connections attempted in that instant (or still in
   * the old listener's accept queue) are refused or reset: bench/tls-reload.ts counts them.
   */
  let reloading: Promise<boolean> = Promise.resolve(false);
  const swapCertificate = async (): Promise<boolean> => {
    if (!config.tls || stopping) return false;
    let next: TlsMaterial;
    try {
      next = loadTlsMaterial(config.tls);
    } catch (error) {
      // The message names the file and what is wrong with it, never its content.
      logger.error("tls.reload_failed", {
        code: "TLS_INVALID",
        errorMessage: error instanceof AppError ? error.message : "unreadable",
      });
      return false;
    }
    const old = server;
    const swapStarted = performance.now();
    void old.stop(false).then(() => retired.delete(old));
    retired.add(old);
    try {
      server = listen(config, port, fetchApp, next);
    } catch (error) {
      logger.error("tls.rebind_failed", errorFields(error));
      // The old pair on a fresh listener, so the port keeps answering.
      server = listen(config, port, fetchApp, tls);
      return false;
    }
    tls = next;
    // durationMs: the port had no listener for this long (connection attempts in it are refused).
    logger.info("tls.reloaded", {
      digest: next.digest,
      durationMs: Math.round((performance.now() - swapStarted) * 100) / 100,
    });
    return true;
  };
  const reloadTls = () => {
    reloading = reloading.then(swapCertificate, swapCertificate);
    return reloading;
  };
  return {
    url: `${scheme}://${config.host}:${port}`,
    port,
    redirectPort,
    ...(metricsPort !== undefined ? { metricsPort } : {}),
    store: opened,
    stop,
    reloadTls,
  };
}

/** Reloads the TLS certificate on SIGHUP (only when Loupe serves HTTPS itself; otherwise SIGHUP keeps its default). */
export function reloadTlsOnSignal(handle: ServerHandle, config: Config, logger: Logger): void {
  if (!config.tls) return;
  process.on("SIGHUP", () => {
    logger.info("signal.received", { signal: "SIGHUP" });
    handle.reloadTls().catch((error: unknown) => {
      // Not even the old certificate could be bound again: exit so that the supervisor restarts Loupe.
      logger.error("tls.no_listener", errorFields(error));
      void handle.stop().finally(() => process.exit(1));
    });
  });
}

/** Stops the server cleanly on SIGTERM / SIGINT, then exits. */
export function stopOnSignals(handle: ServerHandle, logger: Logger): void {
  const onSignal = (signal: string) => {
    logger.info("signal.received", { signal });
    handle.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("shutdown.failed", errorFields(error));
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
}
