import { cpSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { createApp, serviceContext } from "../../src/app.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import type { AppEnv } from "../../src/http/app-env.ts";
import { type BuiltAssets, loadBuiltAssets } from "../../src/lib/built-assets.ts";
import type { Mailer } from "../../src/lib/mailer.ts";
import { createPasswordHasher, type PasswordHasher } from "../../src/lib/password.ts";
import { type AuditHeadAnchor, createAuditHeadAnchor } from "../../src/services/audit/audit-head.ts";
import { type BackupManager, createBackupManager } from "../../src/services/backup/manager.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { createLiveBus, type LiveBus } from "../../src/services/live/bus.ts";
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { type FakeClock, fakeClock } from "./fake-clock.ts";
import { type CapturedLogs, captureLogs } from "./logs.ts";
import { type ManualScheduler, manualScheduler } from "./manual-scheduler.ts";
import { newMasterKeyText, tempDir } from "./temp.ts";

export type TestContext = {
  app: Hono<AppEnv>;
  store: Store;
  config: Config;
  logs: CapturedLogs;
  clock: FakeClock;
  ctx: ServiceContext;
  /** The audit head's anchor, as the server has it: coalesced through `timers` (or flushed explicitly). */
  auditHead: AuditHeadAnchor;
  /** Timers of the app (the audit head's coalesced write, live streams' heartbeats and deadlines), run by the fake clock with runDue(). */
  timers: ManualScheduler;
  /** The live-update bus (GET /api/v1/events), on `timers`. */
  live: LiveBus;
  /** Backups of the data directory (LOUPE_BACKUP_DIR etc. from the env), on the fake clock. */
  backups: BackupManager;
  dir: string;
  close(): void;
};

/**
 * argon2id with cheap parameters, for tests that are not about hashing (the default here). Tests of
 * the real parameters pass createPasswordHasher() (auth.password-hash, auth.no-enumeration); servers
 * started as processes always use the real ones.
 */
export const fastPasswords = () => createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

/** The real app on a real encrypted database in a temporary directory, with a fake clock. */
export type TestAppOptions = {
  /** Default: fastPasswords(). */
  passwords?: PasswordHasher;
  mailer?: Mailer;
  /** Sets the per-address classes of the old auth limiter (sign-in, MFA, password reset, invitations) unless `env` does. */
  authAttemptsPerMinute?: number;
  /** A closed data directory to start from (copied; give the env its LOUPE_MASTER_KEY). */
  copyDataFrom?: string;
  /** Where the fake clock starts. */
  clockStart?: number;
  /** Free bytes the backups see on the data volume (default: the real figure). */
  freeSpace?: (dir: string) => number;
};

let assets: BuiltAssets | undefined;
/** The widget build (npm test builds it first), read once per test process. */
const builtAssets = () => (assets ??= loadBuiltAssets());

/**
 * Tests share one client address and run on a frozen clock, so the classes every test goes through
 * (the API, live streams, widget config) are permissive here unless a test sets them; the sign-in
 * classes keep the real defaults (their tests count on them) or `authAttemptsPerMinute`.
 */
function testRateLimits(options: TestAppOptions): Record<string, string> {
  const open = "100000000";
  const auth =
    options.authAttemptsPerMinute === undefined ? undefined : Math.min(options.authAttemptsPerMinute, 100_000_000);
  return {
    LOUPE_RATE_LIMIT_API: open,
    LOUPE_RATE_LIMIT_API_ANONYMOUS: open,
    LOUPE_RATE_LIMIT_API_TOKENS: open,
    LOUPE_RATE_LIMIT_EVENTS: open,
    LOUPE_RATE_LIMIT_WIDGET_CONFIG: open,
    ...(auth !== undefined
      ? {
          LOUPE_RATE_LIMIT_SIGN_IN: String(auth),
          LOUPE_RATE_LIMIT_MFA: String(auth),
          LOUPE_RATE_LIMIT_PASSWORD_RESET: String(auth),
          LOUPE_RATE_LIMIT_INVITATIONS: String(auth),
        }
      : {}),
  };
}

export function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): TestContext {
  const dir = tempDir();
  const config = loadConfig({
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    ...testRateLimits(options),
    ...env,
  });
  // The -shm index is left behind: SQLite rebuilds it for the copy.
  if (options.copyDataFrom)
    cpSync(options.copyDataFrom, config.dataDir, { recursive: true, filter: (source) => !source.endsWith("-shm") });
  const store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey });
  const clock = fakeClock(options.clockStart);
  const migrations = bundledMigrations();
  migrate(store.db, migrations, clock.now);
  const logs = captureLogs();
  const passwords = options.passwords ?? fastPasswords();
  const timers = manualScheduler(clock);
  const auditHead = createAuditHeadAnchor({
    dataDir: config.dataDir,
    key: store.keyring.audit,
    logger: logs.logger,
    schedule: timers.schedule,
  });
  const live = createLiveBus({ logger: logs.logger, schedule: timers.schedule });
  const deps: Parameters<typeof createApp>[0] = {
    config,
    logger: logs.logger,
    clock,
    db: store.db,
    keyring: store.keyring,
    migrations,
    version: "test",
    passwords,
    mailer: options.mailer,
    auditHead,
    live,
    assets: builtAssets(),
  };
  const backups = createBackupManager(serviceContext(deps), {
    dataDir: config.dataDir,
    keyDir: config.keyDir,
    backupDir: config.backup.dir,
    mirrorDir: config.backup.mirrorDir,
    hour: config.backup.hour,
    minute: config.backup.minute,
    recipients: config.backup.recipients,
    masterKey: { key: store.masterKey.key, id: store.masterKey.id },
    busyTimeoutMs: config.busyTimeoutMs,
    version: "test",
    knownMigrations: migrations.map((m) => m.name),
    ...(options.freeSpace ? { freeSpace: options.freeSpace } : {}),
  });
  deps.backups = backups;
  const app = createApp(deps);
  return {
    backups,
    app,
    store,
    config,
    logs,
    clock,
    ctx: serviceContext(deps),
    auditHead,
    timers,
    live,
    dir: dir.path,
    close() {
      live.close();
      auditHead.close();
      store.close();
      dir.remove();
    },
  };
}
