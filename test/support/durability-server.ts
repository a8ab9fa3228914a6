/**
 * The real server (startServer: config, store, migrations, app, Bun.serve) plus one write route for
 * crash tests, until the feedback API exists: POST /test/writes/:id stores a row and answers 201
 * only after the commit returned (at debug level it logs test.write_started once the headers are in,
 * before it reads the body). Run as a subprocess and killed with SIGKILL by the tests.
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { startServer, stopOnSignals } from "../../src/main.ts";

const config = loadConfig(process.env);
const logger = createLogger({ level: config.logLevel });
const handle = await startServer(config, {
  logger,
  extendApp(app, store) {
    const { db } = store;
    db.write(() =>
      db.exec(
        "CREATE TABLE IF NOT EXISTS test_writes (id TEXT PRIMARY KEY, payload TEXT NOT NULL, written_at INTEGER NOT NULL) STRICT",
      ),
    );
    app.post("/test/writes/:id", async (c) => {
      const id = c.req.param("id");
      logger.debug("test.write_started");
      const payload = await c.req.text();
      db.write(() =>
        db.run("INSERT INTO test_writes (id, payload, written_at) VALUES (?, ?, ?)", id, payload, Date.now()),
      );
      return c.json({ id }, 201);
    });
  },
});
stopOnSignals(handle, logger);
