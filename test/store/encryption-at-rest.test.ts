// Invariant: nothing written through the store is readable from the files on disk (database, WAL,
// SHM, snapshots) without the key, and a missing or wrong key fails with a clear error.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../src/lib/app-error.ts";
import { openDatabase } from "../../src/store/database.ts";
import { databaseKeyText } from "../../src/store/keyring.ts";
import { databasePath, openStore } from "../../src/store/store.ts";
import { decryptedPagesWith } from "../support/decrypted-pages.ts";
import { CLI, runCli, startServerProcess } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

const CANARY = "CANARY-at-rest-7f3a9c";
let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

function filesOf(dbPath: string): string[] {
  return [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((p) => existsSync(p));
}

test("a canary written through the store is in no file on disk, before and after checkpoint", () => {
  ctx = createTestApp();
  const { db } = ctx.store;
  db.write(() => {
    for (let i = 0; i < 200; i++) {
      db.run("INSERT INTO instance_settings (key, value, updated_at) VALUES (?, ?, ?)", `k${i}`, `${CANARY}-${i}`, i);
    }
  });
  const dbPath = databasePath(ctx.config.dataDir);
  // Before the checkpoint the rows live in the WAL: it must be encrypted too.
  expect(readFileSync(`${dbPath}-wal`).length).toBeGreaterThan(0);
  for (const file of filesOf(dbPath)) expect(readFileSync(file).includes(CANARY)).toBe(false);
  db.checkpoint();
  const files = filesOf(dbPath);
  expect(files.length).toBeGreaterThanOrEqual(2);
  for (const file of files) expect(readFileSync(file).includes(CANARY)).toBe(false);
  // …while the same pages, decrypted with the key, do hold it: the grep above looked at the right bytes.
  expect(decryptedPagesWith(db, CANARY).length).toBeGreaterThan(0);
  expect(readFileSync(dbPath).subarray(0, 16).toString("latin1")).not.toBe("SQLite format 3\0");
  // The keyring on disk holds no raw key either.
  const keyring = readFileSync(join(ctx.config.dataDir, "keyring.json"), "utf8");
  expect(keyring).not.toContain(ctx.store.keyring.database.toString("base64"));
  expect(keyring).not.toContain(databaseKeyText(ctx.store.keyring));
});

test("a VACUUM INTO snapshot is encrypted with the same key", () => {
  ctx = createTestApp();
  const { db } = ctx.store;
  db.write(() => db.run("INSERT INTO instance_settings (key, value, updated_at) VALUES ('a', ?, 1)", CANARY));
  const snap = join(ctx.dir, "snapshot.db");
  db.exec(`VACUUM INTO '${snap}'`);
  const bytes = readFileSync(snap);
  expect(bytes.includes(CANARY)).toBe(false);
  expect(bytes.subarray(0, 15).toString("latin1")).not.toBe("SQLite format 3");
  const copy = openDatabase(snap, databaseKeyText(ctx.store.keyring));
  expect(copy.get<{ value: string }>("SELECT value FROM instance_settings")?.value).toBe(CANARY);
  expect(decryptedPagesWith(copy, CANARY).length).toBeGreaterThan(0);
  copy.close();
});

test("opening the database without the key or with a wrong key fails with DATABASE_KEY_MISMATCH", () => {
  ctx = createTestApp();
  ctx.store.db.write(() => ctx!.store.db.run("INSERT INTO instance_settings VALUES ('a', 'b', 1)"));
  const dbPath = databasePath(ctx.config.dataDir);
  for (const key of ["", "00".repeat(32)]) {
    let error: unknown;
    try {
      openDatabase(dbPath, key);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("DATABASE_KEY_MISMATCH");
  }
});

test("a wrong master key is refused with MASTER_KEY_MISMATCH naming the key ids", () => {
  const dir = tempDir();
  try {
    const dataDir = join(dir.path, "data");
    const good = openStore({ dataDir, masterKey: { kind: "env", key: Buffer.from(newMasterKeyText(), "base64") } });
    good.close();
    let error: unknown;
    try {
      openStore({ dataDir, masterKey: { kind: "env", key: Buffer.from(newMasterKeyText(), "base64") } });
    } catch (e) {
      error = e;
    }
    expect((error as AppError).code).toBe("MASTER_KEY_MISMATCH");
    expect((error as AppError).message).toContain("needs the key with id");
  } finally {
    dir.remove();
  }
});

test("the server refuses a wrong or missing master key with one line and exit code 2", async () => {
  const dir = tempDir();
  try {
    const env = { LOUPE_DATA_DIR: join(dir.path, "data"), LOUPE_KEY_DIR: join(dir.path, "keys"), LOUPE_PORT: "0" };
    const key = newMasterKeyText();
    const server = await startServerProcess(CLI, { ...env, LOUPE_MASTER_KEY: key });
    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);

    const wrong = await runCli(["serve"], { ...env, LOUPE_MASTER_KEY: newMasterKeyText() });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
    expect(wrong.stderr).toContain("does not open the keyring");
    expect(wrong.stderr).not.toContain("    at ");

    const missing = await runCli(["serve"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("no master key is configured");
    expect(existsSync(join(dir.path, "keys", "master.key"))).toBe(false);
  } finally {
    dir.remove();
  }
});
