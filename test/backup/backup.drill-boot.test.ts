// Invariant (T-B3, issue 10 point 7): the restore drill after every backup, and `loupe backup verify`, boot
// the real app on the restored copy (/readyz must answer "ready") and fetch the record the backup's manifest
// recorded (the snapshot's newest audit entry) through the service verb the audit routes read with; a
// manifest recording a row the copy lacks, or a row whose content differs, fails the drill with
// BACKUP_BOOT_FAILED: /readyz degraded with the reason, an error event, older backups kept, and the next
// good backup clears it.
import { afterAll, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { checkArchive } from "../../src/services/backup/archive.ts";
import { readBackupIdentity } from "../../src/services/backup/identity.ts";
import { createBackupManager } from "../../src/services/backup/manager.ts";
import { bootOnCopy } from "../../src/workers/boot-check.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

const ageFiles = () =>
  readdirSync(t.config.backup.dir)
    .filter((n) => n.endsWith(".age"))
    .sort();

test("T-B3: the drill boots the app on the copy and fetches the recorded record; a recorded row the copy lacks fails it and degrades /readyz", async () => {
  // A fresh instance has no audit entry yet: the app still boots on the copy, with no record to fetch.
  const first = await t.backups.backupNow("test");
  expect(first.drill).toMatchObject({ ok: true, boot: { readyz: "ready", knownRecord: null } });

  // The first backup's audit entry is the newest in the second one: its drill fetches exactly that.
  t.clock.advance(60_000);
  const second = await t.backups.backupNow("test");
  expect(second.drill).toMatchObject({
    ok: true,
    boot: { readyz: "ready", knownRecord: "audit entry 1 (backup.created)" },
  });

  // `loupe backup verify FILE` runs the same check (checkArchive, on demand).
  const identity = await readBackupIdentity(t.config.keyDir);
  const verify = (name: string) =>
    checkArchive(
      {
        file: join(t.config.backup.dir, name),
        identities: [identity.identity],
        masterKeys: [t.store.masterKey.key.toString("base64")],
        workDir: join(t.config.dataDir, `.check-${name}`),
        knownMigrations: t.backups.settings.knownMigrations,
        keep: false,
      },
      { boot: bootOnCopy },
    );
  const checked = await verify(second.name);
  expect(checked.checks.boot).toBe("ok");
  expect(checked.manifest.knownRecord).toEqual({
    kind: "audit_entry",
    seq: 1,
    at: new Date(t.clock.now() - 60_000).toISOString(),
    action: "backup.created",
  });
  expect(checked.boot).toEqual({ readyz: "ready", knownRecord: "audit entry 1 (backup.created)", migrated: [] });

  const kept = ageFiles();
  const keptHashes = kept.map((n) => sha256Hex(readFileSync(join(t.config.backup.dir, n))));
  const realAt = new Date(t.clock.now()).toISOString();
  for (const [label, knownRecord, expected] of [
    // A manifest recording a row the restored copy lacks.
    [
      "missing",
      { kind: "audit_entry", seq: 999_999, at: realAt, action: "backup.created" },
      "does not find the record the backup recorded: audit entry 999999 (backup.created)",
    ],
    // The row is there under that number, but not the one recorded.
    [
      "different",
      { kind: "audit_entry", seq: 2, at: realAt, action: "user.created" },
      "does not find the record the backup recorded: audit entry 2 (user.created)",
    ],
  ] as const) {
    t.clock.advance(60_000);
    const faulty = createBackupManager(t.ctx, { ...t.backups.settings, faults: { knownRecord: { ...knownRecord } } });
    const bad = await faulty.backupNow("test");
    expect({ label, drill: bad.drill }).toMatchObject({
      label,
      drill: { ok: false, code: "BACKUP_BOOT_FAILED", reason: expect.stringContaining(expected) },
    });
    expect(bad.drill?.boot).toBeUndefined();
    // The same file fails `verify` with the same one-line reason.
    const refused = await verify(bad.name).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(refused?.code).toBe("BACKUP_BOOT_FAILED");
    expect(refused?.message).toContain(expected);

    // Recorded and told: /readyz degraded with the reason, an error event (and mail: backup.core), the status names it.
    const ready = await t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: "degraded",
      reason: "backup_failed",
      checks: { backup: "failed" },
    });
    expect(t.backups.status()).toMatchObject({ ok: false, stage: "drill", code: "BACKUP_BOOT_FAILED", name: bad.name });
    expect(
      t.logs.lines.some(
        (line) =>
          line.includes('"backup.failed"') && line.includes('"state":"drill"') && line.includes("BACKUP_BOOT_FAILED"),
      ),
    ).toBe(true);
  }
  // The older backups are kept, byte for byte (rotation waits for a backup that passes).
  expect(kept.map((n) => sha256Hex(readFileSync(join(t.config.backup.dir, n))))).toEqual(keptHashes);
  expect(ageFiles()).toEqual(expect.arrayContaining(kept));

  // The next good backup passes the boot check and clears the degradation.
  t.clock.advance(60_000);
  const good = await t.backups.backupNow("test");
  expect(good.drill).toMatchObject({
    ok: true,
    boot: { readyz: "ready", knownRecord: expect.stringMatching(/^audit entry \d+ \(backup\.created\)$/) },
  });
  expect(await (await t.app.request("/readyz")).json()).toMatchObject({ status: "ready" });
}, 60_000);
