// Invariant: the audit chain is extended in every commit, but its head file is written off the request
// path — never in a commit, at most once per AUDIT_HEAD_INTERVAL_MS, and at once on graceful stop, the daily log line and verification.
import { afterEach, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { startServer } from "../../src/main.ts";
import { appendAudit, verifyAudit } from "../../src/services/audit/audit.ts";
import { AUDIT_HEAD_FILE, AUDIT_HEAD_INTERVAL_MS, isAuthenticHead } from "../../src/services/audit/audit-head.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { GOOD_PASSWORD } from "../support/accounts.ts";
import { captureLogs } from "../support/logs.ts";
import { runCli } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const append = (ctx: TestContext, i: number) =>
  appendAudit(ctx.ctx, { action: "member.added", actorId: "a", targetId: `t${i}`, teamId: "x" });
const headOf = (ctx: TestContext) => {
  const file = join(ctx.config.dataDir, AUDIT_HEAD_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { seq: number; mac: string }) : undefined;
};
const lastEntry = (ctx: TestContext) =>
  ctx.store.db.get<{ seq: number; mac: string }>("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1")!;

test("commits extend the chain at once; the head file follows one interval later, one write for many commits", () => {
  t = createTestApp();
  append(t, 1);
  expect(lastEntry(t).seq).toBe(1);
  expect(headOf(t)).toBeUndefined();
  expect(t.timers.pending()).toBe(1);
  for (let i = 2; i <= 50; i++) append(t, i);
  expect(lastEntry(t).seq).toBe(50);
  expect(t.timers.pending()).toBe(1); // coalesced: still the one write
  t.clock.advance(AUDIT_HEAD_INTERVAL_MS - 1);
  expect(t.timers.runDue()).toBe(0);
  expect(headOf(t)).toBeUndefined();
  t.clock.advance(1);
  expect(t.timers.runDue()).toBe(1);
  expect(headOf(t)).toMatchObject({ seq: 50, mac: lastEntry(t).mac });
  expect(t.timers.pending()).toBe(0);
  // The next commit starts the next interval.
  append(t, 51);
  expect(headOf(t)?.seq).toBe(50);
  t.clock.advance(AUDIT_HEAD_INTERVAL_MS);
  expect(t.timers.runDue()).toBe(1);
  expect(headOf(t)?.seq).toBe(51);
  expect(verifyAudit(t.ctx)).toEqual({ ok: true, checked: 51, lastSeq: 51 });
});

test("the daily log line anchors the head it logs", () => {
  t = createTestApp();
  for (let i = 1; i <= 3; i++) append(t, i);
  expect(headOf(t)).toBeUndefined();
  runDailyRetention(t.ctx);
  const last = lastEntry(t);
  expect(headOf(t)).toMatchObject({ seq: last.seq, mac: last.mac });
  expect(t.logs.text()).toContain(`"msg":"audit.head","seq":${last.seq},"digest":"${last.mac}"`);
});

test("verification anchors this process's pending head first: rows deleted before the timer ran are still caught", () => {
  t = createTestApp();
  for (let i = 1; i <= 5; i++) append(t, i);
  expect(headOf(t)).toBeUndefined();
  t.store.db.write(() => t!.store.db.run("DELETE FROM audit_log WHERE seq > 3"));
  expect(verifyAudit(t.ctx)).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: "newest_entries_deleted" } });
});

test("an anchor never moves the head back over a newer one another process wrote", () => {
  t = createTestApp();
  append(t, 1);
  // A one-shot CLI command on the same data (no anchor: it writes the head at its commit).
  const { auditHead: _, ...cli } = t.ctx;
  appendAudit(cli, { action: "master_key.rotated", actorId: null, targetId: "k" });
  expect(headOf(t)?.seq).toBe(2);
  t.auditHead.flush(); // its pending head is seq 1
  expect(headOf(t)?.seq).toBe(2);
  expect(verifyAudit(t.ctx)).toEqual({ ok: true, checked: 2, lastSeq: 2 });
});

test("the server's graceful stop anchors the head of its last commits", async () => {
  const dir = tempDir();
  try {
    const config = loadConfig({
      LOUPE_DATA_DIR: join(dir.path, "data"),
      LOUPE_KEY_DIR: join(dir.path, "keys"),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_PORT: "0",
      LOUPE_SHUTDOWN_TIMEOUT_MS: "2000",
    });
    // A scheduler that never fires: only the stop can write the head.
    const handle = await startServer(config, {
      logger: captureLogs().logger,
      notice: () => {},
      schedule: () => () => {},
    });
    const token = readFileSync(join(config.keyDir, "setup-url.txt"), "utf8")
      .trim()
      .replace(/.*#token=/, "");
    const res = await fetch(`http://127.0.0.1:${handle.port}/api/v1/setup`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: config.publicOrigin, "X-Requested-With": "test" },
      body: JSON.stringify({ token, email: "first.admin@example.test", displayName: "Admin", password: GOOD_PASSWORD }),
    });
    expect(res.status).toBe(201);
    const headFile = join(config.dataDir, AUDIT_HEAD_FILE);
    expect(existsSync(headFile)).toBe(false);
    await handle.stop();
    const head = JSON.parse(readFileSync(headFile, "utf8"));
    expect(head.seq).toBe(1);
    expect(isAuthenticHead(handle.store.keyring.audit, head)).toBe(true);
    const verified = await runCli(["audit", "verify"], {
      LOUPE_DATA_DIR: config.dataDir,
      LOUPE_KEY_DIR: config.keyDir,
      LOUPE_MASTER_KEY: (config.masterKey as { key: Buffer }).key.toString("base64"),
    });
    expect(verified.stdout).toContain("audit trail ok: 1 entries checked");
    expect(verified.code).toBe(0);
  } finally {
    dir.remove();
  }
});
