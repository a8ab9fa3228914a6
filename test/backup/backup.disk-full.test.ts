// Invariant (T-B4, "fill the disk during a backup"): when the backup volume runs out of space in the middle
// of writing the age file, no partial file is left under a final name (nor a .tmp), the older backups stay
// byte for byte, the failure is recorded (status BACKUP_NO_SPACE) and told (/readyz degraded with the
// reason, a `backup.failed` error event, mail to the instance admins), and the next backup after space
// returns succeeds and clears it. Two variants assert the same things: a deterministic one (the worker's
// write fails with ENOSPC after N bytes, through the test-only `faults` seam) that always runs, and one on
// a real, small tmpfs that runs wherever this process may mount one (root with CAP_SYS_ADMIN).
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/lib/crypto.ts";
import type { Mail } from "../../src/lib/mailer.ts";
import { type BackupSettings, createBackupManager } from "../../src/services/backup/manager.ts";
import { tempDir } from "../support/temp.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

const dir = tempDir();
afterAll(() => dir.remove());

/** Whether this process may mount a tmpfs (tried once, on a scratch directory); the reason when not. */
const mountable: { ok: true } | { ok: false; reason: string } = (() => {
  if (process.platform !== "linux") return { ok: false, reason: `not Linux (${process.platform})` };
  const probe = join(dir.path, "probe");
  mkdirSync(probe);
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe], { encoding: "utf8" });
  if (mounted.status !== 0) {
    return { ok: false, reason: (mounted.stderr || mounted.error?.message || `exit ${mounted.status}`).trim() };
  }
  spawnSync("umount", [probe]);
  return { ok: true };
})();
if (!mountable.ok) {
  console.warn(
    `backup.disk-full: the real-tmpfs variant cannot run here (mount: ${mountable.reason}); the deterministic ENOSPC variant asserts the same.`,
  );
}

const hashes = (path: string, names: string[]) => names.map((n) => sha256Hex(readFileSync(join(path, n))));

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error("expected the backup to fail, it succeeded");
}

/**
 * One backup that fails for lack of space mid-write (`overrides` make it fail: a fault, or `fill` filling a
 * real volume), then the next one with space back (`restore`), asserting everything T-B4 asks.
 */
async function diskFillsDuringBackup(
  t: TestContext,
  overrides: Partial<BackupSettings>,
  space: { fill(): void; restore(): void; ignore?: string },
): Promise<void> {
  const backupDir = t.config.backup.dir;
  const files = (path: string) =>
    readdirSync(path)
      .filter((n) => n !== space.ignore)
      .sort();
  const older = await t.backups.backupNow("test");
  expect(older.drill?.ok).toBe(true);

  // An instance admin to alert (after the first backup, whose audit entry anchors the chain's head).
  const mails: Mail[] = [];
  const mailer = {
    send: async (m: Mail) => {
      mails.push(m);
    },
  };
  t.store.db.write(() =>
    t.store.db.run(
      "INSERT INTO users (id, email, display_name, is_instance_admin, created_at, updated_at) VALUES ('u_admin', 'admin@example.test', 'Admin', 1, ?, ?)",
      t.clock.now(),
      t.clock.now(),
    ),
  );
  const before = files(backupDir);
  const beforeAge = before.filter((n) => n.endsWith(".age"));
  expect(beforeAge).toEqual([older.name]);
  const beforeHashes = hashes(
    backupDir,
    before.filter((n) => n !== "status.json"),
  );

  t.clock.advance(60_000);
  space.fill();
  const full = createBackupManager({ ...t.ctx, mailer }, { ...t.backups.settings, ...overrides });
  const error = await rejection(full.backupNow("test"));
  expect(error.code).toBe("BACKUP_NO_SPACE");
  expect(error.message).toMatch(/^The disk filled up during the backup: ENOSPC/);

  // No partial file under a final name, no temporary file left, the older backup and its sidecar unchanged.
  const after = files(backupDir);
  expect(after.filter((n) => n.endsWith(".tmp"))).toEqual([]);
  expect(after.filter((n) => n.endsWith(".age"))).toEqual(beforeAge);
  expect(after).toEqual(before);
  expect(
    hashes(
      backupDir,
      before.filter((n) => n !== "status.json"),
    ),
  ).toEqual(beforeHashes);
  // The snapshot inside the data directory is gone too.
  expect(files(t.config.dataDir).filter((n) => n.startsWith(".backup-"))).toEqual([]);

  // Recorded and told.
  expect(t.backups.status()).toMatchObject({
    ok: false,
    stage: "backup",
    code: "BACKUP_NO_SPACE",
    reason: expect.stringContaining("ENOSPC"),
  });
  const ready = await t.app.request("/readyz");
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: "degraded",
    reason: "backup_failed",
    checks: { backup: "failed" },
  });
  const event = t.logs.lines.find((line) => line.includes('"backup.failed"') && line.includes("BACKUP_NO_SPACE"));
  expect(event).toBeDefined();
  expect(JSON.parse(event!)).toMatchObject({ level: "error", state: "backup", code: "BACKUP_NO_SPACE" });
  await Bun.sleep(0);
  expect(mails.map((m) => [m.to, m.subject])).toEqual([["admin@example.test", "Loupe: the backup failed"]]);
  expect(mails[0]!.text).toContain("ENOSPC");

  // Space returns: the next backup succeeds, the older one is still there, readiness recovers.
  space.restore();
  t.clock.advance(60_000);
  const next = await t.backups.backupNow("test");
  expect(next.drill?.ok).toBe(true);
  expect(files(backupDir).filter((n) => n.endsWith(".age"))).toEqual([older.name, next.name]);
  expect(files(backupDir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  expect(t.backups.status()).toMatchObject({ ok: true, name: next.name });
  expect(await (await t.app.request("/readyz")).json()).toMatchObject({ status: "ready" });
}

test("T-B4 (deterministic): the age file's write fails with ENOSPC mid-file; nothing partial stays, older backups are kept, the failure is recorded and told, the next backup succeeds", async () => {
  const t = createTestApp();
  try {
    // A short write at 70,000 bytes (past the age header and the first 64 KiB chunk), then ENOSPC.
    await diskFillsDuringBackup(t, { faults: { enospcAfterBytes: 70_000 } }, { fill() {}, restore() {} });
  } finally {
    t.close();
  }
}, 60_000);

test.skipIf(!mountable.ok)(
  "T-B4 (real tmpfs): the backup volume fills up while the age file is written; the same guarantees hold",
  async () => {
    const mountPoint = join(dir.path, "backups-volume");
    mkdirSync(mountPoint);
    const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", mountPoint], {
      encoding: "utf8",
    });
    expect(mounted.status).toBe(0);
    const t = createTestApp({ LOUPE_BACKUP_DIR: mountPoint });
    try {
      expect(statfsSync(mountPoint).blocks * statfsSync(mountPoint).bsize).toBe(4 * 1024 * 1024);
      const filler = join(mountPoint, "filler");
      await diskFillsDuringBackup(
        t,
        // The pre-check saw room; the space goes while the file is written (another writer, a growing log).
        { freeSpace: () => Number.MAX_SAFE_INTEGER },
        {
          ignore: "filler",
          fill() {
            // Leave half a backup's size free: the next age file cannot fit.
            const older = readdirSync(mountPoint).find((n) => n.endsWith(".age"))!;
            const size = readFileSync(join(mountPoint, older)).length;
            const fs = statfsSync(mountPoint);
            writeFileSync(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - Math.floor(size / 2))));
            const left = statfsSync(mountPoint);
            expect(left.bavail * left.bsize).toBeLessThan(size);
            expect(left.bavail * left.bsize).toBeGreaterThan(0);
          },
          restore: () => rmSync(filler),
        },
      );
    } finally {
      t.close();
      spawnSync("umount", [mountPoint]);
    }
  },
  60_000,
);
