// The audit trail is tamper-evident: editing an entry, deleting one in the middle and deleting the
// newest ones are each detected (the first broken link reported); pruning by retention is not
// mistaken for tampering; a forged checkpoint or head is detected. `loupe audit verify` says so.
import { afterEach, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { appendAudit, pruneAudit, verifyAudit } from "../../src/services/audit/audit.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { runCli } from "../support/subprocess.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function seeded(n: number): TestContext {
  const ctx = createTestApp();
  for (let i = 1; i <= n; i++) {
    appendAudit(ctx.ctx, { action: "member.added", actorId: `actor-${i}`, targetId: `target-${i}`, teamId: "team-a" });
    ctx.clock.advance(86_400_000);
  }
  ctx.auditHead.flush(); // as the server does within a second
  return ctx;
}

const run = (sql: string, ...params: (string | number)[]) => t!.store.db.write(() => t!.store.db.run(sql, ...params));

test("an intact chain verifies", () => {
  t = seeded(10);
  expect(verifyAudit(t.ctx)).toEqual({ ok: true, checked: 10, lastSeq: 10 });
});

test("an edited entry is detected at its sequence number", () => {
  t = seeded(10);
  run("UPDATE audit_log SET action = 'member.removed' WHERE seq = 4");
  expect(verifyAudit(t.ctx)).toMatchObject({ ok: false, firstBroken: { seq: 4, reason: "entry_altered" } });
});

test("an entry re-MACed without the key's help (recomputed as a plain hash) is still detected", () => {
  t = seeded(5);
  const row = t.store.db.get<{ mac: string }>("SELECT mac FROM audit_log WHERE seq = 3")!;
  run(
    "UPDATE audit_log SET target_id = 'someone-else', mac = ? WHERE seq = 3",
    new Bun.CryptoHasher("sha256").update(row.mac).digest("hex"),
  );
  expect(verifyAudit(t.ctx).firstBroken).toEqual({ seq: 3, reason: "entry_altered" });
});

test("a deleted middle entry is detected", () => {
  t = seeded(10);
  run("DELETE FROM audit_log WHERE seq = 6");
  expect(verifyAudit(t.ctx)).toMatchObject({ ok: false, firstBroken: { seq: 6, reason: "missing_entry" } });
});

test("deleting the newest entries is detected through the head kept outside the table", () => {
  t = seeded(10);
  run("DELETE FROM audit_log WHERE seq > 7");
  expect(verifyAudit(t.ctx)).toMatchObject({ ok: false, firstBroken: { seq: 8, reason: "newest_entries_deleted" } });
});

test("deleting the head file, or forging it, is detected", () => {
  t = seeded(3);
  const head = join(t.config.dataDir, "audit-head.json");
  rmSync(head);
  expect(verifyAudit(t.ctx).firstBroken?.reason).toBe("head_missing");
  writeFileSync(head, JSON.stringify({ seq: 1, mac: "ab", tag: "cd" }));
  expect(verifyAudit(t.ctx).firstBroken?.reason).toBe("head_forged");
});

test("pruning by retention leaves a checkpoint: the chain still verifies and goes on", () => {
  t = seeded(10);
  // Entries are a day apart; keep the last 4 days.
  expect(pruneAudit(t.ctx, 4 * 86_400_000 + 1)).toBe(6);
  expect(t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log")?.n).toBe(4);
  expect(verifyAudit(t.ctx)).toEqual({ ok: true, checked: 4, lastSeq: 10 });
  appendAudit(t.ctx, { action: "member.removed", actorId: "a", targetId: "b", teamId: "team-a" });
  expect(verifyAudit(t.ctx)).toEqual({ ok: true, checked: 5, lastSeq: 11 });
  // A forged checkpoint (to hide deleting more) is detected.
  run("UPDATE audit_checkpoints SET pruned_through_seq = 8");
  expect(verifyAudit(t.ctx).firstBroken?.reason).toBe("checkpoint_forged");
});

test("the daily retention run: activity past 90 days and audit entries past the retention go; idempotent", () => {
  t = seeded(3);
  t.store.db.write(() => {
    t!.store.db.run(
      "INSERT INTO activity_events (id, at, type, outcome) VALUES ('old', ?, 'login.succeeded', 'success')",
      t!.clock.now() - 91 * 86_400_000,
    );
    t!.store.db.run(
      "INSERT INTO activity_events (id, at, type, outcome) VALUES ('new', ?, 'login.succeeded', 'success')",
      t!.clock.now() - 89 * 86_400_000,
    );
  });
  t.clock.advance(366 * 86_400_000);
  const first = runDailyRetention(t.ctx);
  // The newest entry always stays (the head must stay checkable).
  expect(first).toMatchObject({ activityDeleted: 2, auditPruned: 2, trashPurged: 0 });
  expect(runDailyRetention(t.ctx)).toMatchObject({ activityDeleted: 0, auditPruned: 0, trashPurged: 0 });
  expect(verifyAudit(t.ctx).ok).toBe(true);
  expect(t.logs.text()).toContain('"msg":"audit.head"');
});

test("access-control changes of the accounts feature land in the trail; `loupe audit verify` passes, then fails after an edit", async () => {
  t = createTestApp();
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const { user, browser, password } = await signedInUser(t);
  await browser.post("/api/v1/auth/reauth", { password });
  const { apiToken } = await (await browser.post("/api/v1/me/tokens", { name: "x", scope: "read" })).json();
  await browser.delete(`/api/v1/me/tokens/${apiToken.id}`);
  await admin.browser.post(`/api/v1/instance/users/${user.id}/sessions/revoke`);
  await admin.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 20 });
  const { entries } = await (await admin.browser.get("/api/v1/instance/audit")).json();
  expect(entries.map((e: { action: string }) => e.action)).toEqual([
    "instance.settings_changed",
    "sessions.revoked_by_admin",
    "token.revoked",
    "token.created",
    "admin.created",
  ]);
  expect(JSON.stringify(entries)).not.toContain("@");
  expect(await (await admin.browser.get("/api/v1/instance/audit/verify")).json()).toMatchObject({
    ok: true,
    checked: 5,
  });

  const env = {
    LOUPE_DATA_DIR: t.config.dataDir,
    LOUPE_KEY_DIR: t.config.keyDir,
    LOUPE_MASTER_KEY: (t.config.masterKey as { key: Buffer }).key.toString("base64"),
  };
  t.store.db.checkpoint();
  const ok = await runCli(["audit", "verify"], env);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("5 entries checked");
  // Checked against the head as the daily log line recorded it: fine now…
  const head = t.store.db.get<{ seq: number; mac: string }>(
    "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1",
  )!;
  expect(
    (await runCli(["audit", "verify", "--expect-seq", String(head.seq), "--expect-digest", head.mac], env)).code,
  ).toBe(0);
  run("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2");
  t.store.db.checkpoint();
  const broken = await runCli(["audit", "verify"], env);
  expect(broken.code).toBe(1);
  expect(broken.stdout).toContain("BROKEN at sequence number 2: entry_altered");
});

test("a retention setting written around the API is clamped: the trail cannot be pruned away", async () => {
  t = seeded(5);
  t.store.db.write(() =>
    t!.store.db.run(
      "INSERT OR REPLACE INTO instance_settings (key, value, updated_at) VALUES ('audit_retention_days', '-1', 0)",
    ),
  );
  const { getInstanceSettings } = await import("../../src/services/accounts/settings.ts");
  expect(getInstanceSettings(t.ctx).auditRetentionDays).toBe(30);
  t.clock.advance(86_400_000);
  runDailyRetention(t.ctx);
  expect(t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log")!.n).toBe(5);
});

test("deleting every row and the head file is detected once the instance is set up; a replayed head with deleted newest rows is caught by the logged head", async () => {
  t = createTestApp();
  await signedInUser(t, { admin: true }); // the first admin starts the chain
  for (let i = 0; i < 5; i++)
    appendAudit(t.ctx, { action: "member.added", actorId: "a", targetId: `t${i}`, teamId: "x" });
  const loggedHead = t.store.db.get<{ seq: number; mac: string }>(
    "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1",
  )!;
  const headFile = join(t.config.dataDir, "audit-head.json");
  t.auditHead.flush(); // anchored (as the server does within a second)…
  const { readFileSync } = await import("node:fs");
  const oldHead = readFileSync(headFile, "utf8");
  appendAudit(t.ctx, { action: "member.removed", actorId: "a", targetId: "t9", teamId: "x" });
  appendAudit(t.ctx, { action: "member.removed", actorId: "a", targetId: "t8", teamId: "x" });
  t.auditHead.flush(); // …and anchored again before the attack below
  const dailyLine = t.store.db.get<{ seq: number; mac: string }>(
    "SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1",
  )!;
  // Replay: delete the newest rows and put the older head file back.
  run("DELETE FROM audit_log WHERE seq > ?", loggedHead.seq);
  writeFileSync(headFile, oldHead);
  expect(verifyAudit(t.ctx).ok).toBe(true); // the file alone cannot tell…
  expect(verifyAudit(t.ctx, { seq: dailyLine.seq, digest: dailyLine.mac }).firstBroken?.reason).toBe(
    "newest_entries_deleted",
  ); // …the logged head can
  // Everything gone, file included.
  run("DELETE FROM audit_log");
  rmSync(headFile);
  expect(verifyAudit(t.ctx).firstBroken?.reason).toBe("head_missing");
});
