// Invariant: every write the server acknowledged survives `kill -9` of the server, and the database
// passes integrity_check on restart. (Many rounds: `npm run bench` → bench/crash.ts.)
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../src/config.ts";
import { openStore } from "../src/store/store.ts";
import { runKill9Round } from "./support/kill9.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

test("kill -9 during concurrent writes, 3 rounds: 0 acknowledged writes lost, integrity ok", async () => {
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
  };
  const acked = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const result = await runKill9Round(env, {
      concurrency: 16,
      killAfterAcks: 100 + Math.floor(Math.random() * 400),
      round,
    });
    expect(result.acked.length).toBeGreaterThan(20);
    for (const id of result.acked) acked.add(id);
    const store = openStore({ dataDir: env.LOUPE_DATA_DIR, masterKey: loadConfig(env).masterKey, create: false });
    try {
      expect(store.db.pragma("integrity_check")).toBe("ok");
      const present = new Set(store.db.all<{ id: string }>("SELECT id FROM test_writes").map((r) => r.id));
      const missing = [...acked].filter((id) => !present.has(id));
      expect(missing).toEqual([]);
    } finally {
      store.close();
    }
  }
});
