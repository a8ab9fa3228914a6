// Invariant (T-B4, issue 10 point 8): a backup killed with SIGKILL leaves no file under a final name and
// no lock that blocks the next backup, which cleans up and succeeds with the older backups kept; a
// restore whose steps after the swap fail puts the previous data back byte for byte; a restore cut in
// the middle of the swap is rolled back at the next start.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "bun";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { restoreBackup } from "../../src/services/backup/restore.ts";
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore, RESTORE_JOURNAL } from "../../src/store/store.ts";
import { CLI, childEnv, runCli } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp } from "../support/test-app.ts";

const dir = tempDir();
afterAll(() => dir.remove());

test("T-B4: a backup killed with SIGKILL leaves no partial file under a final name; the next one cleans up and succeeds", async () => {
  const masterKey = newMasterKeyText();
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "k9", "data"),
    LOUPE_KEY_DIR: join(dir.path, "k9", "keys"),
    LOUPE_MASTER_KEY: masterKey,
  };
  // Data worth a few seconds of snapshotting and encryption.
  const store = openStore({
    dataDir: env.LOUPE_DATA_DIR,
    masterKey: { kind: "env", key: Buffer.from(masterKey, "base64") },
  });
  migrate(store.db, bundledMigrations());
  store.db.write(() => {
    store.db.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, body BLOB NOT NULL) STRICT");
    for (let i = 0; i < 150; i++) store.db.run("INSERT INTO filler (body) VALUES (randomblob(200000))");
  });
  store.close();
  const first = await runCli(["backup", "now"], env);
  expect({ code: first.code, out: first.stdout.slice(-300), err: first.stderr }).toEqual({
    code: 0,
    out: expect.any(String),
    err: "",
  });
  const backups = join(env.LOUPE_DATA_DIR, "backups");
  const before = readdirSync(backups).filter((n) => n.endsWith(".age"));
  expect(before).toHaveLength(1);

  // A second backup, killed once its temporary age file exists (mid-encryption).
  const proc = spawn([...CLI, "backup", "now"], { env: childEnv(env), stdout: "ignore", stderr: "ignore" });
  const deadline = Date.now() + 30_000;
  while (!readdirSync(backups).some((n) => n.endsWith(".age.tmp")) && Date.now() < deadline) await Bun.sleep(2);
  proc.kill(9);
  await proc.exited;
  const left = readdirSync(backups);
  expect(left.some((n) => n.endsWith(".age.tmp"))).toBe(true);
  expect(left.filter((n) => n.endsWith(".age"))).toEqual(before);
  expect(readdirSync(env.LOUPE_DATA_DIR).some((n) => n.startsWith(".backup-snapshot-"))).toBe(true);
  expect(existsSync(join(env.LOUPE_DATA_DIR, "backup.lock"))).toBe(true);

  // The dead process's lock is taken over; its leftovers go; the older backup stays.
  const next = await runCli(["backup", "now"], env);
  expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: "" });
  const after = readdirSync(backups);
  expect(after.some((n) => n.endsWith(".tmp"))).toBe(false);
  expect(readdirSync(env.LOUPE_DATA_DIR).some((n) => n.startsWith(".backup-snapshot-"))).toBe(false);
  expect(after.filter((n) => n.endsWith(".age"))).toEqual(expect.arrayContaining(before));
  expect(after.filter((n) => n.endsWith(".age"))).toHaveLength(2);
}, 120_000);

const liveHashes = (dataDir: string) =>
  Object.fromEntries(
    readdirSync(dataDir)
      .filter((n) => ["loupe.db", "keyring.json", "audit-head.json"].includes(n))
      .map((n) => [n, sha256Hex(readFileSync(join(dataDir, n)))]),
  );

test("a restore whose steps after the swap fail puts the previous data back", async () => {
  const t = createTestApp();
  try {
    t.auditHead.flush();
    const record = await t.backups.backupNow("test");
    t.auditHead.close();
    t.store.close();
    const before = liveHashes(t.config.dataDir);
    const error = await restoreBackup({
      dataDir: t.config.dataDir,
      keyDir: t.config.keyDir,
      masterKey: t.config.masterKey,
      file: join(t.config.backup.dir, record.name),
      knownMigrations: bundledMigrations().map((m) => m.name),
      now: t.clock.now(),
      afterSwap: () => {
        throw new Error("retention failed");
      },
    }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string },
    );
    expect(error?.code).toBe("RESTORE_FAILED");
    expect(error?.message).toContain("the previous data was put back");
    expect(liveHashes(t.config.dataDir)).toEqual(before);
    expect(existsSync(join(t.config.dataDir, RESTORE_JOURNAL))).toBe(false);
  } finally {
    t.close();
  }
});

test("a restore cut in the middle of the swap is rolled back at the next start", () => {
  const t = createTestApp();
  try {
    t.auditHead.close();
    t.store.close();
    const data = t.config.dataDir;
    const before = liveHashes(data);
    // The state a crash leaves between the renames: the live database moved aside, a restored one in place.
    const pre = join(data, "pre-restore-20260101T000000Z");
    mkdirSync(pre);
    const { renameSync } = require("node:fs") as typeof import("node:fs");
    renameSync(join(data, "loupe.db"), join(pre, "loupe.db"));
    writeFileSync(join(data, "loupe.db"), "half-restored");
    writeFileSync(
      join(data, RESTORE_JOURNAL),
      JSON.stringify({ phase: "swapping", preRestoreDir: pre, moved: ["loupe.db"], placed: ["loupe.db"] }),
    );
    const store = openStore({ dataDir: data, masterKey: t.config.masterKey, create: false });
    try {
      expect(store.db.get<{ n: number }>("SELECT count(*) AS n FROM schema_migrations")!.n).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(liveHashes(data)["keyring.json"]).toBe(before["keyring.json"]);
    expect(existsSync(join(data, RESTORE_JOURNAL))).toBe(false);
  } finally {
    t.close();
  }
});
