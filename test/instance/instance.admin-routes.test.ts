// Invariant: the operator's routes the instance pages added answer instance admins only. The health
// view (state with its reason, version, database size, disk space) is never public — /readyz stays
// bare; an emailed reset link goes to the user's address only, works once, and the admin never sees it.
import { afterAll, expect, test } from "bun:test";
import * as v from "valibot";
import { createApp } from "../../src/app.ts";
import { InstanceHealthSchema } from "../../src/shared/system.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { startSmtp } from "../support/smtp.ts";
import { createTestApp } from "../support/test-app.ts";

const smtp = await startSmtp();
const t = createTestApp({}, { mailer: smtp.mailer, authAttemptsPerMinute: 1_000_000 });
afterAll(async () => {
  t.close();
  await smtp.stop();
});

async function instanceAdmin() {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  return admin;
}

test("health: ready with version, database size, disk space and counts — for instance admins only", async () => {
  const admin = await instanceAdmin();
  const res = await admin.browser.get("/api/v1/instance/health");
  expect(res.status).toBe(200);
  const body = await res.json();
  const parsed = v.parse(InstanceHealthSchema, body);
  expect(parsed.status).toBe("ready");
  expect(parsed.reason).toBeNull();
  expect(parsed.checks).toEqual({ database: "ok", migrations: "ok", storage: "ok", erasureLog: "ok" });
  expect(parsed.version).toBe("test"); // what createTestApp gives the app (the server: package.json's)
  expect(parsed.runtime).toStartWith("Bun ");
  // Until a checkpoint most pages sit in the WAL: the size on disk is both.
  expect(parsed.database!.fileBytes + parsed.database!.walBytes).toBeGreaterThan(64 * 1024);
  expect(parsed.disk!.totalBytes).toBeGreaterThan(parsed.disk!.freeBytes);
  expect(parsed.email).toBe(true);
  expect(parsed.counts!.users).toBeGreaterThanOrEqual(1);
  expect(parsed.counts!.auditEntries).toBeGreaterThanOrEqual(0);

  // Anyone else: refused, and nothing of it in the answer.
  const member = await signedInUser(t);
  const refused = await member.browser.get("/api/v1/instance/health");
  expect(refused.status).toBe(403);
  const refusedText = await refused.text();
  expect(refusedText).not.toContain("fileBytes");
  expect(refusedText).not.toContain(parsed.runtime);
  expect((await new Browser(t.app, t.config.publicOrigin).get("/api/v1/instance/health")).status).toBe(401);
  // The public probe tells state only.
  const ready = await (await t.app.request("/readyz")).text();
  expect(ready).not.toContain(parsed.runtime);
  expect(ready).not.toContain("Bytes");
});

test("health says why when the instance is not ready (200 for the page, the reason named)", async () => {
  const admin = await instanceAdmin();
  const app = createApp({
    config: t.config,
    logger: t.logs.logger,
    clock: t.clock,
    db: t.store.db,
    keyring: t.store.keyring,
    passwords: t.ctx.passwords,
    mailer: undefined,
    migrations: [{ name: "9999_not_yet.sql", sql: "SELECT 1;" }, ...bundledMigrations()],
    version: "9.9.9-test",
  });
  const res = await admin.browser.copyFor(app).get("/api/v1/instance/health");
  expect(res.status).toBe(200);
  const body = v.parse(InstanceHealthSchema, await res.json());
  expect(body.status).toBe("not_ready");
  expect(body.reason).toBe("migrations_pending");
  expect(body.checks.migrations).toBe("pending");
  expect(body.version).toBe("9.9.9-test");
  expect(body.email).toBe(false);
});

test("password-reset-email: the link goes to the user's address only, works once; admin sees only the expiry", async () => {
  const admin = await instanceAdmin();
  const target = await signedInUser(t);
  const res = await admin.browser.post(`/api/v1/instance/users/${target.user.id}/password-reset-email`);
  expect(res.status).toBe(202);
  const body = await res.json();
  expect(Object.keys(body)).toEqual(["expiresAt"]);
  expect(Date.parse(body.expiresAt) - t.clock.now()).toBe(30 * 60_000);
  const mail = await smtp.waitForMail((m) => m.to[0] === target.email && m.text.includes("reset-password#token="));
  const token = /reset-password#token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
  const anon = new Browser(t.app, t.config.publicOrigin);
  const newPassword = "emailed-reset-passphrase-7";
  expect((await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword })).status).toBe(200);
  expect((await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword })).status).toBe(400);
  // The reset ended the user's sessions; the new password signs in.
  expect((await target.browser.get("/api/v1/me")).status).toBe(401);
  expect((await anon.post("/api/v1/auth/login", { email: target.email, password: newPassword })).status).toBe(200);
});

test("password-reset-email: 404 for an unknown user, 400 for a bad id, 403 without re-authentication or as non-admin", async () => {
  const admin = await instanceAdmin();
  expect((await admin.browser.post("/api/v1/instance/users/AAAAAAAAAAAAAAAAAAAAAA/password-reset-email")).status).toBe(
    404,
  );
  const bad = await admin.browser.post("/api/v1/instance/users/not%20an%20id/password-reset-email");
  expect(bad.status).toBe(400);
  expect((await bad.json()).errors[0].field).toBe("userId");
  const target = await signedInUser(t);
  expect((await target.browser.post(`/api/v1/instance/users/${admin.user.id}/password-reset-email`)).status).toBe(403);
  t.clock.advance(6 * 60_000);
  const stale = await admin.browser.post(`/api/v1/instance/users/${target.user.id}/password-reset-email`);
  expect(stale.status).toBe(403);
  expect((await stale.json()).code).toBe("REAUTH_REQUIRED");
});

test("password-reset-email without SMTP: 503 SMTP_NOT_CONFIGURED and no token made", async () => {
  const bare = createTestApp({}, { authAttemptsPerMinute: 1_000_000 });
  try {
    const admin = await signedInUser(bare, { admin: true });
    await enableTotp(bare, admin.browser, admin.password);
    const target = await signedInUser(bare);
    const res = await admin.browser.post(`/api/v1/instance/users/${target.user.id}/password-reset-email`);
    expect(res.status).toBe(503);
    expect((await res.json()).code).toBe("SMTP_NOT_CONFIGURED");
    expect(bare.store.db.all("SELECT id FROM one_time_tokens WHERE purpose = 'password_reset'")).toEqual([]);
  } finally {
    bare.close();
  }
});
