// Invariant: a backup is a standard age file (Debian's `age` opens it with Loupe's identity or an operator's)
// whose drill passes; nothing in it is readable without the keys (T-C1 for backups); a damaged backup fails
// its drill and turns /readyz degraded with an error event and mail; refusals (running, no space) say why.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import type { Mail } from "../../src/lib/mailer.ts";
import { checkArchive } from "../../src/services/backup/archive.ts";
import { readBackupIdentity } from "../../src/services/backup/identity.ts";
import { openDatabase } from "../../src/store/database.ts";
import { databaseKeyText } from "../../src/store/keyring.ts";
import { bootOnCopy } from "../../src/workers/boot-check.ts";
import { decryptedPagesWith } from "../support/decrypted-pages.ts";
import { seedWorld } from "../support/teams.ts";

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code: string };
  }
  throw new Error("expected a refusal, got a result");
}

const AGE = "/usr/bin/age";
const CANARY = "zqbackupcanaryvalue";

let w: Awaited<ReturnType<typeof seedWorld>>;
let operator: string;
const mails: Mail[] = [];

beforeAll(async () => {
  operator = await generateX25519Identity();
  w = await seedWorld({}, { LOUPE_BACKUP_RECIPIENTS: await identityToRecipient(operator) });
  const T = `/api/v1/teams/${w.a.team.id}`;
  const res = await w.a.member.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: `Hi ${CANARY}` });
  expect(res.status).toBe(201);
});
afterAll(() => w.t.close());

/** Polls a job until it leaves "running" (the work runs on a worker thread, in real time). */
async function settled(jobId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await (await w.admin.browser.get(`/api/v1/instance/backups/jobs/${jobId}`)).json();
    if (job.state !== "running" || Date.now() > deadline) return job;
    await Bun.sleep(5);
  }
}

const sh = (cmd: string, args: string[], input?: Uint8Array) => spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });

test("a backup is an age file the age CLI opens with Loupe's identity and with an operator's; its tar holds the snapshot, keyring, audit head and manifest; the drill passes", async () => {
  const record = await w.t.backups.backupNow("test");
  expect(record.drill).toMatchObject({
    ok: true,
    boot: { readyz: "ready", knownRecord: expect.stringMatching(/^audit entry \d+ /) },
  });
  const file = join(w.t.config.backup.dir, record.name);
  expect(readFileSync(file).subarray(0, 21).toString()).toBe("age-encryption.org/v1");
  expect(existsSync(`${file}.tmp`)).toBe(false);

  const identityFile = join(w.t.config.keyDir, "backup-identity.txt");
  expect((await import("node:fs")).statSync(identityFile).mode & 0o777).toBe(0o600);
  const opened = sh(AGE, ["-d", "-i", identityFile, file]);
  expect(opened.status).toBe(0);
  const operatorFile = join(w.t.dir, "operator.txt");
  writeFileSync(operatorFile, `${operator}\n`, { mode: 0o600 });
  const byOperator = sh(AGE, ["-d", "-i", operatorFile, file]);
  expect(byOperator.status).toBe(0);
  expect(Buffer.compare(byOperator.stdout, opened.stdout)).toBe(0);
  const listing = sh("tar", ["-tf", "-"], opened.stdout);
  expect(listing.stdout.toString().trim().split("\n")).toEqual([
    "keyring.json",
    "audit-head.json",
    "loupe.db",
    "manifest.json",
  ]);

  // T-C1 for backups: neither the age file nor its decrypted tar holds the canary …
  expect(readFileSync(file).includes(CANARY)).toBe(false);
  expect(Buffer.from(opened.stdout).includes(CANARY)).toBe(false);
  expect(Buffer.from(opened.stdout).includes("SQLite format 3\0")).toBe(false);
  // … while the snapshot inside, opened with the data key, does (the scan can find it).
  const out = join(w.t.dir, "unpacked");
  mkdirSync(out);
  expect(sh("tar", ["-xf", "-", "-C", out], opened.stdout).status).toBe(0);
  const snap = openDatabase(join(out, "loupe.db"), databaseKeyText(w.t.store.keyring));
  try {
    expect(decryptedPagesWith(snap, CANARY).length).toBeGreaterThan(0);
  } finally {
    snap.close();
  }
  expect(() => openDatabase(join(out, "loupe.db"), "00".repeat(32))).toThrow();

  // The other direction: a file the age CLI encrypted to Loupe's recipient passes Loupe's drill.
  const identity = await readBackupIdentity(w.t.config.keyDir);
  const reencrypted = join(w.t.dir, "by-cli.age");
  expect(sh(AGE, ["-r", identity.recipient, "-o", reencrypted], opened.stdout).status).toBe(0);
  const check = await checkArchive(
    {
      file: reencrypted,
      identities: [identity.identity],
      masterKeys: [w.t.store.masterKey.key.toString("base64")],
      workDir: join(w.t.config.dataDir, ".check-cli"),
      knownMigrations: w.t.backups.settings.knownMigrations,
      keep: false,
    },
    { boot: bootOnCopy },
  );
  expect(check.checks).toEqual({
    integrity: "ok",
    rowCounts: "ok",
    hashes: "ok",
    schema: "ok",
    audit: "ok",
    boot: "ok",
  });
  // T-B3: the app booted on the copy and fetched the record the backup recorded (its newest audit entry).
  const known = check.manifest.knownRecord!;
  expect(known.kind).toBe("audit_entry");
  expect(known.seq).toBeGreaterThan(0);
  expect(check.boot).toEqual({
    readyz: "ready",
    knownRecord: `audit entry ${known.seq} (${known.action})`,
    migrated: [],
  });
  expect(check.manifest.rowCounts.feedback_items).toBeGreaterThan(0);

  // Listed for the instance admins, with the drill result; the creation is in the trail.
  const list = await (await w.admin.browser.get("/api/v1/instance/backups")).json();
  expect(list.backups[0]).toMatchObject({ name: record.name, drill: { ok: true } });
  expect(list.status).toMatchObject({ ok: true, name: record.name });
});

test("a second backup while one runs is refused; too little free space is refused with the figures", async () => {
  const first = w.t.backups.backupNow("test");
  await expect(w.t.backups.backupNow("test")).rejects.toMatchObject({ code: "BACKUP_RUNNING" });
  const api = await w.admin.browser.post("/api/v1/instance/backups");
  expect(api.status).toBe(409);
  expect((await api.json()).code).toBe("BACKUP_RUNNING");
  expect((await first).drill?.ok).toBe(true);

  const { createBackupManager } = await import("../../src/services/backup/manager.ts");
  const tight = createBackupManager(w.t.ctx, { ...w.t.backups.settings, freeSpace: () => 1000 });
  const refusal = await rejection(tight.backupNow("test"));
  expect(refusal.code).toBe("BACKUP_NO_SPACE");
  expect(refusal.message).toMatch(
    /the database takes [\d.]+ [kMG]B, a backup needs about [\d.]+ [kMG]B free .* 1 kB are free/,
  );
  // A refused backup is told like a failed one: the daily run would otherwise be skipped in silence.
  const status = tight.status();
  expect(status).toMatchObject({ ok: false, code: "BACKUP_NO_SPACE" });
  expect(await (await w.t.app.request("/readyz")).json()).toMatchObject({
    status: "degraded",
    reason: "backup_failed",
  });
});

test("the API runs a backup as a job answered 202 and polled to its end", async () => {
  const res = await w.admin.browser.post("/api/v1/instance/backups");
  expect(res.status).toBe(202);
  const job = await res.json();
  expect(res.headers.get("location")).toBe(`/api/v1/instance/backups/jobs/${job.id}`);
  expect(job.state).toBe("running");
  const state = await settled(job.id);
  expect(state).toMatchObject({ state: "succeeded", kind: "backup", drill: { ok: true } });
  // Members of a team are no instance admins.
  expect((await w.a.owner.browser.get("/api/v1/instance/backups")).status).toBe(403);
});

test("a damaged backup fails its drill: /readyz is degraded with the reason, an error is logged and the admins get mail", async () => {
  const before = mails.length;
  const { createBackupManager } = await import("../../src/services/backup/manager.ts");
  // A backup damaged between writing and its drill: the worker's file is flipped before the drill reads it.
  const record = await w.t.backups.backupNow("test");
  const file = join(w.t.config.backup.dir, record.name);
  const bytes = readFileSync(file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  writeFileSync(file, bytes);
  const verify = await w.admin.browser.post(`/api/v1/instance/backups/${record.name}/verify`);
  expect(verify.status).toBe(202);
  const job = await settled((await verify.json()).id);
  expect(job).toMatchObject({ state: "failed", error: { code: "BACKUP_UNREADABLE" } });

  // The scheduled path: a drill that fails is recorded, alerted and degrades readiness.
  const mailer = {
    send: async (m: Mail) => {
      mails.push(m);
    },
  };
  const failing = createBackupManager(
    { ...w.t.ctx, mailer },
    { ...w.t.backups.settings, masterKey: { key: Buffer.alloc(32, 7), id: "x" } },
  );
  const bad = await failing.backupNow("test");
  expect(bad.drill).toMatchObject({ ok: false, code: "BACKUP_MASTER_KEY_MISMATCH" });
  const ready = await w.t.app.request("/readyz");
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({
    status: "degraded",
    reason: "backup_failed",
    checks: { backup: "failed" },
  });
  expect(
    w.t.logs.lines.some((line) => line.includes('"backup.failed"') && line.includes("BACKUP_MASTER_KEY_MISMATCH")),
  ).toBe(true);
  await Bun.sleep(0);
  expect(mails.length).toBeGreaterThan(before);
  expect(mails.at(-1)!.subject).toContain("restore drill");
  expect(mails.at(-1)!.to).toBe(w.admin.email);

  // The next good backup clears it.
  expect((await w.t.backups.backupNow("test")).drill?.ok).toBe(true);
  expect(await (await w.t.app.request("/readyz")).json()).toMatchObject({ status: "ready" });
});
