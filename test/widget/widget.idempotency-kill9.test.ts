// Invariant (T-W5): the same client submission id sent 5 times, across a `kill -9` of the server right
// after the first acknowledgement, makes exactly one row, and every retry answers the same id.
import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { openStore } from "../../src/store/store.ts";
import { CLI, startServerProcess } from "../support/subprocess.ts";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords } from "../support/test-app.ts";

test("5 submissions of one idempotency id around a kill -9: one row, one id", async () => {
  const t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const a = await seedTeam(t, "alpha");
  t.store.close();
  const env = {
    LOUPE_DATA_DIR: t.config.dataDir,
    LOUPE_KEY_DIR: t.config.keyDir,
    LOUPE_MASTER_KEY: (t.config.masterKey as { key: Buffer }).key.toString("base64"),
  };
  const idempotencyId = crypto.randomUUID().replaceAll("-", "");
  const submit = (url: string) =>
    fetch(`${url}/api/v1/widget/${a.project.widgetKey}/feedback`, {
      method: "POST",
      headers: { Origin: a.siteOrigin, "Content-Type": "application/json" },
      body: JSON.stringify({ comment: "sent until it is acknowledged", idempotencyId }),
    });
  const ids: string[] = [];
  try {
    const first = await startServerProcess(CLI, env);
    const res = await submit(first.url);
    expect(res.status).toBe(201);
    ids.push((await res.json()).id);
    // Acknowledged, then the power is cut: the retries reach a new process on the same data.
    first.proc.kill(9);
    await first.exited;
    const second = await startServerProcess(CLI, env);
    try {
      for (let i = 0; i < 4; i++) {
        const retry = await submit(second.url);
        expect(retry.status).toBe(201);
        ids.push((await retry.json()).id);
      }
    } finally {
      second.proc.kill("SIGTERM");
      await second.exited;
    }
    expect(new Set(ids).size).toBe(1);
    const store = openStore({ dataDir: t.config.dataDir, masterKey: t.config.masterKey });
    try {
      const rows = store.db.all<{ n: number }>(
        "SELECT count(*) AS n FROM feedback_idempotency WHERE idempotency_id = ?",
        idempotencyId,
      );
      expect(rows[0]?.n).toBe(1);
      const items = store.db.all<{ id: string }>(
        "SELECT id FROM feedback_items WHERE comment = ?",
        "sent until it is acknowledged",
      );
      expect(items.map((r) => r.id)).toEqual([ids[0]!]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
});
