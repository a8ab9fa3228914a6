/**
 * The daily retention job (trash purge, retention periods, pruning) in its own process on a data
 * directory a server is using, as an operator's second process or the server's own daily run would:
 * LOUPE_* from the environment, the clock moved by TEST_CLOCK_OFFSET_MS. Prints the result as one JSON
 * line, or `{"error": code}` and exits 1.
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createPasswordHasher } from "../../src/lib/password.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { openStore } from "../../src/store/store.ts";

const config = loadConfig(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("LOUPE_"))));
const offset = Number(process.env.TEST_CLOCK_OFFSET_MS ?? "0");
const store = openStore({
  dataDir: config.dataDir,
  masterKey: config.masterKey,
  create: false,
  busyTimeoutMs: config.busyTimeoutMs,
});
try {
  const result = runDailyRetention({
    db: store.db,
    keyring: store.keyring,
    clock: { now: () => Date.now() + offset },
    logger: createLogger({ level: "warn" }),
    passwords: createPasswordHasher(),
    mailer: undefined,
    publicOrigin: config.publicOrigin,
    dataDir: config.dataDir,
    ssoConfigs: new Map(),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (error) {
  const { name, code } = error as { name?: string; code?: string; kind?: string };
  process.stdout.write(`${JSON.stringify({ error: code ?? name, kind: (error as { kind?: string }).kind })}\n`);
  process.exitCode = 1;
} finally {
  store.close();
}
