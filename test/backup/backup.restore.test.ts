// Invariant (T-B2, T-B5, T-B6, issue 10 points 5 and 8): a restore verifies first and refuses — with one
// line and the live data untouched — a wrong identity or master key, a flipped byte, a newer schema, a
// manifest mismatch and hostile archives; it works on a fresh machine and across key rotations; retention
// runs before anything serves, so purged data does not come back; the live erasure log is kept.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Encrypter } from "age-encryption";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { tarEnd, tarFileHeader, tarPadding } from "../../src/lib/tar.ts";
import { readBackupIdentity } from "../../src/services/backup/identity.ts";
import { completeRestore, restoreBackup } from "../../src/services/backup/restore.ts";
import { rotateMasterKey } from "../../src/store/key-rotation.ts";
import { acquireLock } from "../../src/store/lock.ts";
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore } from "../../src/store/store.ts";
import { seedWorld } from "../support/teams.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error("expected a refusal, got a result");
}

let w: Awaited<ReturnType<typeof seedWorld>>;
let backupFile: string;
let itemId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const item = await (
    await w.a.member.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "to be trashed" })
  ).json();
  itemId = item.id;
  // Trashed on day 0, backed up on day 1 (still in the trash then).
  expect((await w.a.member.browser.delete(`${T}/feedback/${itemId}`)).status).toBe(200);
  w.t.clock.advance(DAY);
  const record = await w.t.backups.backupNow("test");
  expect(record.drill?.ok).toBe(true);
  backupFile = join(w.t.config.backup.dir, record.name);
});
afterAll(() => w.t.close());

/** A restore into `dataDir` with the test's settings; the steps after the swap run on the fake clock. */
function restoreInto(dataDir: string, file: string, overrides: { keyDir?: string; masterKey?: string } = {}) {
  const masterKey = { kind: "env" as const, key: Buffer.from(overrides.masterKey ?? "", "base64") };
  const source = overrides.masterKey ? masterKey : w.t.config.masterKey;
  return restoreBackup({
    dataDir,
    keyDir: overrides.keyDir ?? w.t.config.keyDir,
    masterKey: source,
    file,
    knownMigrations: bundledMigrations().map((m) => m.name),
    now: w.t.clock.now(),
    afterSwap: (check) => {
      const store = openStore({ dataDir, masterKey: source, create: false });
      try {
        migrate(store.db, bundledMigrations(), w.t.clock.now);
        completeRestore({ ...w.t.ctx, db: store.db, keyring: store.keyring, dataDir, auditHead: undefined }, check);
      } finally {
        store.close();
      }
    },
  });
}

/** Every file of a directory with its hash: "untouched" means equal before and after. */
function snapshotOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const path = join(dir, name);
    try {
      out[name] = sha256Hex(readFileSync(path));
    } catch {
      out[name] = "dir";
    }
  }
  return out;
}

/** A copy of the test's (closed-over) data directory to restore onto. */
function liveCopy(): string {
  w.t.store.db.checkpoint();
  const dir = join(tempDir().path, "data");
  cpSync(w.t.config.dataDir, dir, { recursive: true, filter: (s) => !s.includes("backups") && !s.endsWith("-shm") });
  return dir;
}

async function decryptedTar(file: string): Promise<Buffer> {
  const identityFile = join(w.t.config.keyDir, "backup-identity.txt");
  const out = spawnSync("/usr/bin/age", ["-d", "-i", identityFile, file], { maxBuffer: 1 << 30 });
  expect(out.status).toBe(0);
  return out.stdout;
}

/** A tar from entries (name, content, type flag), encrypted to Loupe's recipient. */
async function hostile(entries: { name: string; data: Uint8Array; size?: number; flag?: string }[], end = true) {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const header = tarFileHeader("x", e.size ?? e.data.length, 0);
    header.fill(0, 0, 100);
    header.set(new TextEncoder().encode(e.name.slice(0, 100)), 0);
    if (e.flag) header[156] = e.flag.charCodeAt(0);
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    parts.push(header, e.data, tarPadding(e.data.length));
  }
  if (end) parts.push(tarEnd());
  const identity = await readBackupIdentity(w.t.config.keyDir);
  const enc = new Encrypter();
  enc.addRecipient(identity.recipient);
  const file = join(tempDir().path, "hostile.age");
  writeFileSync(file, await enc.encrypt(Buffer.concat(parts)));
  return file;
}

/** Re-packs a real backup's tar entries with `change` applied, encrypted to Loupe's recipient. */
async function repacked(change: (entries: Map<string, Buffer>) => void): Promise<string> {
  const tar = await decryptedTar(backupFile);
  const entries = new Map<string, Buffer>();
  let offset = 0;
  while (offset < tar.length && tar[offset] !== 0) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString()
      .replace(/\0.*$/s, "");
    const size = Number.parseInt(
      tar
        .subarray(offset + 124, offset + 136)
        .toString()
        .replace(/\0.*$/s, ""),
      8,
    );
    entries.set(name, Buffer.from(tar.subarray(offset + 512, offset + 512 + size)));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  change(entries);
  return hostile([...entries].map(([name, data]) => ({ name, data })));
}

async function expectRefused(file: string, code: string, overrides: { keyDir?: string; masterKey?: string } = {}) {
  const dir = liveCopy();
  const before = snapshotOf(dir);
  const error = await rejection(restoreInto(dir, file, overrides));
  expect({ code: error.code, oneLine: !error.message.includes("\n") }).toEqual({ code, oneLine: true });
  expect(snapshotOf(dir)).toEqual(before);
  return error;
}

test("refusals leave the live data untouched: wrong identity, wrong master key, one flipped byte, newer schema, manifest mismatch", async () => {
  const otherKeys = join(tempDir().path, "keys");
  mkdirSync(otherKeys);
  const { ensureBackupIdentity } = await import("../../src/services/backup/identity.ts");
  await ensureBackupIdentity(otherKeys, 0);
  await expectRefused(backupFile, "BACKUP_UNREADABLE", { keyDir: otherKeys });
  const wrongKey = await expectRefused(backupFile, "BACKUP_MASTER_KEY_MISMATCH", { masterKey: newMasterKeyText() });
  expect(wrongKey.message).toContain(w.t.store.masterKey.id);

  const size = readFileSync(backupFile).length;
  for (const at of [30, 200, Math.floor(size / 2), size - 3]) {
    const flipped = join(tempDir().path, "flipped.age");
    const bytes = readFileSync(backupFile);
    bytes[at]! ^= 0x01;
    writeFileSync(flipped, bytes);
    await expectRefused(flipped, "BACKUP_UNREADABLE");
  }

  const newer = await repacked((e) => {
    const m = JSON.parse(e.get("manifest.json")!.toString());
    m.migrations.push("9999_from_the_future.sql");
    m.schemaVersion = "9999_from_the_future.sql";
    e.set("manifest.json", Buffer.from(JSON.stringify(m)));
  });
  expect((await expectRefused(newer, "BACKUP_NEWER_SCHEMA")).message).toContain("9999_from_the_future.sql");

  const mismatch = await repacked((e) => {
    const m = JSON.parse(e.get("manifest.json")!.toString());
    m.rowCounts.feedback_items += 1;
    e.set("manifest.json", Buffer.from(JSON.stringify(m)));
  });
  await expectRefused(mismatch, "BACKUP_MANIFEST_MISMATCH");
  const swappedDb = await repacked((e) => {
    const db = e.get("loupe.db")!;
    db[db.length - 100]! ^= 0xff;
  });
  await expectRefused(swappedDb, "BACKUP_MANIFEST_MISMATCH");
});

test("T-B5: hostile archives are refused before anything is written outside the work directory", async () => {
  const small = Buffer.from("x");
  const outside = join(w.t.dir, "escaped");
  for (const [entries, end] of [
    [[{ name: `../../${outside.split("/").pop()}`, data: small }], true],
    [[{ name: outside, data: small }], true],
    [[{ name: "loupe.db", data: Buffer.alloc(0), flag: "2" }], true],
    [[{ name: "keyring.json", data: Buffer.alloc(0), flag: "5" }], true],
    [Array.from({ length: 10_001 }, (_, i) => ({ name: `f${i}`, data: Buffer.alloc(0) })), true],
    // An expansion bomb: a header declaring 1 GB over a few bytes.
    [[{ name: "loupe.db", data: small, size: 1_000_000_000 }], false],
  ] as const) {
    const file = await hostile(entries as never, end);
    const error = await expectRefused(file, "BACKUP_ARCHIVE_REFUSED");
    expect(error.message.length).toBeLessThan(300);
    expect(existsSync(outside)).toBe(false);
  }
});

test("restore refuses while the server holds the lock", async () => {
  const dir = liveCopy();
  const release = acquireLock(dir, "serve");
  try {
    // The lock of a live process (this test's pid counts as dead for the data lock): a child holds it.
    const child = Bun.spawn(["sleep", "30"]);
    writeFileSync(join(dir, "loupe.lock"), JSON.stringify({ pid: child.pid, command: "serve", startedAt: "" }));
    const error = await rejection(restoreInto(dir, backupFile));
    child.kill();
    expect(error.code).toBe("DATA_DIR_LOCKED");
  } finally {
    release();
  }
});

test("T-B6: a restore runs retention before serving — the item trashed before the backup is purged, not back", async () => {
  // Day 31: the live instance purged it; restoring the day-1 backup must not bring it back.
  w.t.clock.advance(31 * DAY);
  const dir = liveCopy();
  const result = await restoreInto(dir, backupFile);
  expect(result.preRestoreDir).toBeDefined();
  expect(existsSync(join(result.preRestoreDir!, "loupe.db"))).toBe(true);
  const store = openStore({ dataDir: dir, masterKey: w.t.config.masterKey, create: false });
  try {
    expect(store.db.get("SELECT id FROM feedback_items WHERE id = ?", itemId)).toBeUndefined();
    expect(store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_items")!.n).toBeGreaterThan(0);
    const last = store.db.get<{ action: string }>("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1");
    expect(last?.action).toBe("backup.restored");
  } finally {
    store.close();
  }
});

test("a restore onto a fresh machine (empty data directory, same master key and backup identity) brings everything back; the live erasure log is kept when there is one", async () => {
  const fresh = join(tempDir().path, "data");
  const result = await restoreInto(fresh, backupFile);
  expect(result.preRestoreDir).toBeUndefined();
  const store = openStore({ dataDir: fresh, masterKey: w.t.config.masterKey, create: false });
  try {
    expect(store.db.get<{ n: number }>("SELECT count(*) AS n FROM teams")!.n).toBe(2);
  } finally {
    store.close();
  }
  // With an erasure log beside the live data, the restore leaves it as it is.
  const dir = liveCopy();
  writeFileSync(join(dir, "erasure-log"), "newer than any backup\n");
  const kept = await restoreInto(dir, backupFile);
  expect(kept.erasureLog).toBe("kept");
  expect(readFileSync(join(dir, "erasure-log"), "utf8")).toBe("newer than any backup\n");
});

test("the erasure log goes into each backup and onto a fresh machine", async () => {
  writeFileSync(join(w.t.config.dataDir, "erasure-log"), "erasure-log-v1 entries\n", { mode: 0o600 });
  const record = await w.t.backups.backupNow("test");
  expect(record.drill?.ok).toBe(true);
  const file = join(w.t.config.backup.dir, record.name);
  const fresh = join(tempDir().path, "data");
  const result = await restoreInto(fresh, file);
  expect(result.erasureLog).toBe("restored");
  expect(readFileSync(join(fresh, "erasure-log"), "utf8")).toBe("erasure-log-v1 entries\n");
  rmSync(join(w.t.config.dataDir, "erasure-log"));
});

test("backups outlive key rotations: an older backup restores after a master-key rotation and after a data-key rotation", async () => {
  // A separate instance whose data we may rotate (the rotations need the store closed).
  const t = (await import("../support/test-app.ts")).createTestApp();
  try {
    const old = await t.backups.backupNow("test");
    expect(old.drill?.ok).toBe(true);
    const oldFile = join(t.config.backup.dir, old.name);
    t.auditHead.close();
    t.store.close();
    // The rotations run on a copy this process never opened (libsql keeps closed handles until they are
    // collected, and `PRAGMA rekey` needs the file to itself), as `loupe key rotate` runs with the server stopped.
    const live = join(tempDir().path, "data");
    cpSync(t.config.dataDir, live, { recursive: true, filter: (p) => !p.includes("backups") && !p.endsWith("-shm") });
    const newKeyFile = join(t.dir, "new-master.key");
    rotateMasterKey({ dataDir: live, masterKey: t.config.masterKey, newKeyFile, keyDir: t.config.keyDir });
    const newSource = { kind: "file" as const, path: newKeyFile };
    const rotation = Bun.spawnSync([
      process.execPath,
      "--eval",
      `import { rotateDataKey } from ${JSON.stringify(join(import.meta.dir, "../../src/store/key-rotation.ts"))};
       rotateDataKey({ dataDir: ${JSON.stringify(live)}, masterKey: ${JSON.stringify(newSource)} });`,
    ]);
    expect({ code: rotation.exitCode, err: rotation.stderr.toString().slice(0, 400) }).toEqual({ code: 0, err: "" });
    // The old key no longer opens the live data; the new one opens the old backup (retired keys in the key directory).
    const fresh = join(tempDir().path, "data");
    const result = await restoreBackup({
      dataDir: fresh,
      keyDir: t.config.keyDir,
      masterKey: newSource,
      file: oldFile,
      knownMigrations: bundledMigrations().map((m) => m.name),
      now: t.clock.now(),
      afterSwap: () => {
        const s = openStore({ dataDir: fresh, masterKey: newSource, create: false });
        s.close();
      },
    });
    expect(result.check.manifest.masterKeyId).not.toBe("");
    // Without the key directory's retired keys the new key alone cannot open it.
    const emptyKeys = join(tempDir().path, "keys");
    mkdirSync(emptyKeys);
    cpSync(join(t.config.keyDir, "backup-identity.txt"), join(emptyKeys, "backup-identity.txt"));
    const refused = await rejection(
      restoreBackup({
        dataDir: join(tempDir().path, "data"),
        keyDir: emptyKeys,
        masterKey: newSource,
        file: oldFile,
        knownMigrations: bundledMigrations().map((m) => m.name),
        now: t.clock.now(),
        afterSwap: () => {},
      }),
    );
    expect(refused.code).toBe("BACKUP_MASTER_KEY_MISMATCH");
  } finally {
    t.close();
  }
});
