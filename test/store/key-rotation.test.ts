// Invariant: rotating the master key or the data key keeps every row, the old key stops opening the
// data, and a crash between any two steps leaves data that opens with one of the two keys.
import { afterAll, afterEach, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "bun";
import type { AppError } from "../../src/lib/app-error.ts";
import { keyFingerprint } from "../../src/lib/crypto.ts";
import { openDatabase } from "../../src/store/database.ts";
import { rotateDataKey, rotateMasterKey } from "../../src/store/key-rotation.ts";
import type { MasterKeySource } from "../../src/store/master-key.ts";
import { databasePath, openKeyring, openStore } from "../../src/store/store.ts";
import { BUN, CLI, ROOT, runCli, startServerProcess } from "../support/subprocess.ts";
import { tempDir } from "../support/temp.ts";

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

// One seeded data directory and key (made by another process), copied for each test.
let seeded: { path: string; remove(): void } | undefined;
afterAll(() => seeded?.remove());

function setup() {
  if (!seeded) {
    seeded = tempDir();
    const run = spawnSync(
      [
        BUN,
        join(ROOT, "test", "support", "seed-store.ts"),
        join(seeded.path, "data"),
        join(seeded.path, "keys", "master.key"),
      ],
      { stderr: "pipe" },
    );
    if (run.exitCode !== 0) throw new Error(run.stderr.toString());
  }
  const dir = tempDir();
  dirs.push(dir);
  cpSync(seeded.path, dir.path, { recursive: true });
  const dataDir = join(dir.path, "data");
  const keyPath = join(dir.path, "keys", "master.key");
  const source: MasterKeySource = { kind: "default", path: keyPath };
  return { dir: dir.path, dataDir, keyPath, source };
}

function rowCount(dataDir: string, masterKey: MasterKeySource): number {
  const store = openStore({ dataDir, masterKey, create: false });
  try {
    return Number(store.db.get<{ n: number }>("SELECT count(*) AS n FROM instance_settings")?.n);
  } finally {
    store.close();
  }
}

function keyOf(path: string): Buffer {
  return Buffer.from(readFileSync(path, "utf8").trim(), "base64");
}

function fails(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    return error as AppError;
  }
  throw new Error("expected a failure");
}

test("master key rotation re-wraps the keyring: data intact, the old key refused", () => {
  const { dataDir, keyPath, source } = setup();
  const oldKey = keyOf(keyPath);
  const result = rotateMasterKey({ dataDir, masterKey: source });
  const newKey = keyOf(keyPath);
  expect(newKey.equals(oldKey)).toBe(false);
  expect(result.newKeyId).toBe(keyFingerprint(newKey));
  expect(result.message).toContain(keyPath);
  expect(rowCount(dataDir, source)).toBe(50);
  expect(rowCount(dataDir, { kind: "env", key: newKey })).toBe(50);
  expect(fails(() => openStore({ dataDir, masterKey: { kind: "env", key: oldKey } })).code).toBe("MASTER_KEY_MISMATCH");
  expect(existsSync(keyPath + ".next")).toBe(false);
});

for (const step of ["new-key-written", "keyring-rewrapped", "key-file-replaced"]) {
  test(`a crash after "${step}" of a master key rotation leaves data that opens`, () => {
    const { dataDir, keyPath, source } = setup();
    const oldKey = keyOf(keyPath);
    expect(() =>
      rotateMasterKey({ dataDir, masterKey: source }, (s) => {
        if (s === step) throw new Error("simulated crash");
      }),
    ).toThrow("simulated crash");
    const nextKey = existsSync(keyPath + ".next") ? keyOf(keyPath + ".next") : keyOf(keyPath);
    // Exactly one of the two keys opens the keyring.
    const opensWithOld = (() => {
      try {
        openStore({ dataDir, masterKey: { kind: "env", key: oldKey }, create: false }).close();
        return true;
      } catch {
        return false;
      }
    })();
    const opensWithNew = (() => {
      try {
        openStore({ dataDir, masterKey: { kind: "env", key: nextKey }, create: false }).close();
        return true;
      } catch {
        return false;
      }
    })();
    expect(opensWithOld || opensWithNew).toBe(true);
    // The normal start finishes or undoes the rotation by itself.
    expect(rowCount(dataDir, source)).toBe(50);
    expect(existsSync(keyPath + ".next")).toBe(false);
  });
}

test("with a key from LOUPE_MASTER_KEY the new key goes to --new-key-file, required", () => {
  const { dataDir, keyPath, dir } = setup();
  const envSource: MasterKeySource = { kind: "env", key: keyOf(keyPath) };
  expect(fails(() => rotateMasterKey({ dataDir, masterKey: envSource })).code).toBe("NEW_KEY_FILE_REQUIRED");
  const newKeyFile = join(dir, "new.key");
  const result = rotateMasterKey({ dataDir, masterKey: envSource, newKeyFile });
  expect(result.message).toContain("LOUPE_MASTER_KEY_FILE=");
  expect(rowCount(dataDir, { kind: "file", path: newKeyFile })).toBe(50);
  expect(fails(() => openStore({ dataDir, masterKey: envSource })).code).toBe("MASTER_KEY_MISMATCH");
});

test("data key rotation re-encrypts the database: data intact, the old data key refused", async () => {
  const { dataDir, source } = setup();
  const { keyring: before } = openKeyring({ dataDir, masterKey: source });
  const oldDataKey = before.database;
  rotateDataKey({ dataDir, masterKey: source });
  const after = openStore({ dataDir, masterKey: source });
  expect(after.keyring.database.equals(oldDataKey)).toBe(false);
  expect(after.keyring.session.equals(before.session)).toBe(true);
  expect(after.db.pragma("journal_mode")).toBe("wal");
  expect(after.db.pragma("integrity_check")).toBe("ok");
  after.close();
  expect(rowCount(dataDir, source)).toBe(50);
  expect(existsSync(join(dataDir, "loupe.db.pre-rekey"))).toBe(false);
  expect(fails(() => openDatabase(databasePath(dataDir), oldDataKey.toString("hex"))).code).toBe(
    "DATABASE_KEY_MISMATCH",
  );
});

for (const step of ["copy-taken", "pending-keyring-written", "rekeyed", "keyring-promoted"]) {
  test(`a crash after "${step}" of a data key rotation is repaired at the next start`, async () => {
    const { dataDir, source } = setup();
    expect(() =>
      rotateDataKey({ dataDir, masterKey: source }, (s) => {
        if (s === step) throw new Error("simulated crash");
      }),
    ).toThrow("simulated crash");
    expect(rowCount(dataDir, source)).toBe(50);
    const store = openStore({ dataDir, masterKey: source });
    expect(store.db.pragma("integrity_check")).toBe("ok");
    store.close();
    expect(existsSync(join(dataDir, "keyring.pending.json"))).toBe(false);
    expect(existsSync(join(dataDir, "loupe.db.pre-rekey"))).toBe(false);
  });
}

test("a rekey cut midway (database unreadable with either key) is repaired from the copy", async () => {
  const { dataDir, source } = setup();
  expect(() =>
    rotateDataKey({ dataDir, masterKey: source }, (s) => {
      if (s === "pending-keyring-written") throw new Error("simulated crash");
    }),
  ).toThrow("simulated crash");
  // Simulate half-rewritten pages: garbage over the start of the database file.
  const dbPath = databasePath(dataDir);
  const bytes = readFileSync(dbPath);
  bytes.fill(0xab, 0, Math.min(bytes.length, 8192));
  writeFileSync(dbPath, bytes);
  expect(rowCount(dataDir, source)).toBe(50);
});

test("data key rotation refuses while the server runs", async () => {
  const { dataDir, keyPath, dir } = setup();
  const env = { LOUPE_DATA_DIR: dataDir, LOUPE_KEY_DIR: join(dir, "keys") };
  const server = await startServerProcess(CLI, env);
  try {
    const refused = await runCli(["key", "rotate", "--data-key"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("Another Loupe process");
    expect(refused.stderr).toContain(`pid ${server.proc.pid}`);
    // The master key can be rotated while the server runs (it only re-wraps the keyring).
    const rotated = await runCli(["key", "rotate"], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(keyPath);
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
  const offline = await runCli(["key", "rotate", "--data-key"], env);
  expect(offline.code).toBe(0);
  expect(offline.stdout).toContain("re-encrypted");
  expect(rowCount(dataDir, { kind: "default", path: keyPath })).toBe(50);
});
