import { join } from "node:path";
import type { Hono } from "hono";
import { createApp } from "../../src/app.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import type { AppEnv } from "../../src/http/app-env.ts";
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore, type Store } from "../../src/store/store.ts";
import { type CapturedLogs, captureLogs } from "./logs.ts";
import { type FakeClock, fakeClock } from "./fake-clock.ts";
import { newMasterKeyText, tempDir } from "./temp.ts";

export type TestContext = {
  app: Hono<AppEnv>;
  store: Store;
  config: Config;
  logs: CapturedLogs;
  clock: FakeClock;
  dir: string;
  close(): void;
};

/** The real app on a real encrypted database in a temporary directory, with a fake clock. */
export function createTestApp(env: Record<string, string> = {}): TestContext {
  const dir = tempDir();
  const config = loadConfig({
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    ...env,
  });
  const store = openStore({ dataDir: config.dataDir, masterKey: config.masterKey });
  const clock = fakeClock();
  const migrations = bundledMigrations();
  migrate(store.db, migrations, clock.now);
  const logs = captureLogs();
  const app = createApp({ config, logger: logs.logger, clock, db: store.db, migrations, version: "test" });
  return {
    app,
    store,
    config,
    logs,
    clock,
    dir: dir.path,
    close() {
      store.close();
      dir.remove();
    },
  };
}
