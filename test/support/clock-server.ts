/**
 * The real server (startServer: config, store, migrations, app, Bun.serve) on a clock the test moves,
 * so that a test waits for no TOTP step or timeout: time starts at TEST_CLOCK_START_MS and moves only
 * by POST /test/clock {"advanceMs": n}, which answers {"now": ms}. Test-only, run as a subprocess;
 * nothing like this route exists in production code.
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { startServer, stopOnSignals } from "../../src/main.ts";
import { fakeClock } from "./fake-clock.ts";

const start = Number(process.env.TEST_CLOCK_START_MS);
if (!Number.isSafeInteger(start)) throw new Error("TEST_CLOCK_START_MS must be set (epoch milliseconds)");
const clock = fakeClock(start);
const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel });
const handle = await startServer(config, {
  logger,
  clock,
  extendApp(app) {
    app.post("/test/clock", async (c) => {
      const { advanceMs } = await c.req.json<{ advanceMs: number }>();
      if (!Number.isSafeInteger(advanceMs) || advanceMs < 0)
        return c.json({ error: "advanceMs: a non-negative integer" }, 400);
      clock.advance(advanceMs);
      return c.json({ now: clock.now() });
    });
  },
});
stopOnSignals(handle, logger);
