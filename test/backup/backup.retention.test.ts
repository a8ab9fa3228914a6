// Invariant (T-L5, issue 10 points 6 and 9): a trashed item's canary is purged from the live data after
// 30 days and from every backup — local and mirror — by rotation, the last one holding it gone at most 120
// days after the deletion; the scan proves it finds the canary in a backup first. A failing mirror is
// reported (readiness degraded, error event) and never blocks the local backup.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBackupManager } from "../../src/services/backup/manager.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { openDatabase } from "../../src/store/database.ts";
import { databaseKeyText } from "../../src/store/keyring.ts";
import { decryptedPagesWith } from "../support/decrypted-pages.ts";
import { seedWorld } from "../support/teams.ts";
import { tempDir } from "../support/temp.ts";

const DAY = 86_400_000;
const CANARY = "qvtrashedcanaryvalue";
const mirrorRoot = tempDir();
let w: Awaited<ReturnType<typeof seedWorld>>;

beforeAll(async () => {
  w = await seedWorld({}, { LOUPE_BACKUP_MIRROR_DIR: join(mirrorRoot.path, "nas") });
});
afterAll(() => {
  w.t.close();
  mirrorRoot.remove();
});

/** Backups in `dir` whose decrypted snapshot pages hold the canary. */
function holdingCanary(dir: string): string[] {
  const identity = join(w.t.config.keyDir, "backup-identity.txt");
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".age"))) {
    const tar = spawnSync("/usr/bin/age", ["-d", "-i", identity, join(dir, name)], { maxBuffer: 1 << 30 });
    const unpacked = join(w.t.dir, `scan-${name}`);
    mkdirSync(unpacked);
    spawnSync("tar", ["-xf", "-", "-C", unpacked], { input: tar.stdout });
    const db = openDatabase(join(unpacked, "loupe.db"), databaseKeyText(w.t.store.keyring));
    try {
      if (decryptedPagesWith(db, CANARY).length > 0) out.push(name);
    } finally {
      db.close();
      rmSync(unpacked, { recursive: true, force: true });
    }
  }
  return out.sort();
}

test("T-L5: the last backup holding a purged canary is gone from the backups and the mirror ≤ 120 days after the deletion", async () => {
  const T = `/api/v1/teams/${w.a.team.id}`;
  const item = await (
    await w.a.member.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: `About ${CANARY}` })
  ).json();
  expect((await w.a.member.browser.delete(`${T}/feedback/${item.id}`)).status).toBe(200);
  const deletedAt = w.t.clock.now();
  const backupDir = w.t.config.backup.dir;
  const mirrorDir = w.t.config.backup.mirrorDir!;

  // Day 0 and day 29: the item is in the trash, so these backups hold it (the scan finds it).
  expect((await w.t.backups.backupNow("test")).mirror).toEqual({ ok: true });
  w.t.clock.advance(29 * DAY);
  await w.t.backups.backupNow("test");
  const holding = holdingCanary(backupDir);
  expect(holding).toHaveLength(2);
  expect(holdingCanary(mirrorDir)).toEqual(holding);

  // Day 31: purged from the live data; backups from now on do not hold it.
  w.t.clock.advance(2 * DAY);
  expect(runDailyRetention(w.t.ctx).trashPurged).toBe(1);
  expect(decryptedPagesWith(w.t.store.db, CANARY)).toEqual([]);
  await w.t.backups.backupNow("test");
  expect(holdingCanary(backupDir)).toEqual(holding);

  // Then a backup every week: rotation thins and expires; day 120 after the deletion nothing holds it.
  let day = 31;
  let lastHolding = 0;
  while (day < 125) {
    w.t.clock.advance(7 * DAY);
    day += 7;
    await w.t.backups.backupNow("test");
    // The backups that held it (the full scan at the end proves no other does).
    const present = readdirSync(backupDir);
    if (holding.some((name) => present.includes(name))) lastHolding = day;
  }
  expect(lastHolding).toBeLessThanOrEqual(120);
  expect(lastHolding).toBeGreaterThanOrEqual(89);
  expect(holdingCanary(backupDir)).toEqual([]);
  expect(holdingCanary(mirrorDir)).toEqual([]);
  // The mirror follows the same rotation: the same backups on both sides.
  const ages = (dir: string) =>
    readdirSync(dir)
      .filter((n) => n.endsWith(".age"))
      .sort();
  expect(ages(mirrorDir)).toEqual(ages(backupDir));
  for (const name of ages(backupDir)) {
    const at = Date.parse(
      `${name.slice(6, 10)}-${name.slice(10, 12)}-${name.slice(12, 14)}T${name.slice(15, 17)}:${name.slice(17, 19)}:${name.slice(19, 21)}Z`,
    );
    expect(w.t.clock.now() - at).toBeLessThan(90 * DAY);
  }
  expect(w.t.clock.now() - deletedAt).toBeGreaterThan(120 * DAY);
}, 60_000);

test("a failing mirror is reported and never blocks the local backup", async () => {
  const blocked = join(mirrorRoot.path, "not-a-directory");
  writeFileSync(blocked, "a file where the mount should be");
  const manager = createBackupManager(w.t.ctx, { ...w.t.backups.settings, mirrorDir: join(blocked, "nas") });
  const record = await manager.backupNow("test");
  expect(record.drill?.ok).toBe(true);
  expect(record.mirror?.ok).toBe(false);
  expect(readdirSync(w.t.config.backup.dir)).toContain(record.name);
  const ready = await (await w.t.app.request("/readyz")).json();
  expect(ready).toMatchObject({
    status: "degraded",
    reason: "backup_mirror_failed",
    checks: { backup: "mirror_failed" },
  });
  expect(w.t.logs.lines.some((l) => l.includes('"backup.failed"') && l.includes('"state":"mirror"'))).toBe(true);
});
