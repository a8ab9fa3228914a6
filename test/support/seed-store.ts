/**
 * Creates a data directory with 50 rows, in its own process: libsql keeps a closed connection open
 * until its statements are garbage-collected, and offline operations (data-key rotation) in the test
 * process must not meet such leftovers — as the real CLI, a fresh process, never does.
 * Usage: bun seed-store.ts DATA_DIR KEY_PATH
 */
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore } from "../../src/store/store.ts";

const [dataDir, keyPath] = process.argv.slice(2) as [string, string];
const store = openStore({ dataDir, masterKey: { kind: "default", path: keyPath } });
migrate(store.db, bundledMigrations());
store.db.write(() => {
  for (let i = 0; i < 50; i++) store.db.run("INSERT INTO instance_settings VALUES (?, ?, ?)", `k${i}`, `value-${i}`, i);
});
store.close();
