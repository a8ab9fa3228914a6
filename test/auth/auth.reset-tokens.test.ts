// T-AU10 — Password reset: ≥ 128-bit single-use tokens that expire in 30 minutes; the reset ends
// every session, never bypasses MFA, and is recorded as an event (for the user's teams to see).
// By email (real SMTP server) when configured; an instance admin can make a link either way.
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, GOOD_PASSWORD, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { startSmtp } from "../support/smtp.ts";
import { createTestApp } from "../support/test-app.ts";

const smtp = await startSmtp();
const t = createTestApp({}, { mailer: smtp.mailer, authAttemptsPerMinute: 10_000 });
afterAll(async () => {
  t.close();
  await smtp.stop();
});

async function adminBrowser() {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  return admin;
}

function tokenFromMail(text: string): string {
  const match = /reset-password#token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error("no link in mail");
  return match[1]!;
}

test("by email: a 256-bit single-use token; the reset ends every session; MFA still required", async () => {
  const { email, password, browser, user } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const other = new Browser(t.app, t.config.publicOrigin);
  const challenge = (await (await other.post("/api/v1/auth/login", { email, password })).json()).challenge;
  expect((await other.post("/api/v1/auth/mfa", { challenge, code: totpCode(secret, t.clock.now()) })).status).toBe(200);
  t.clock.advance(30_000);

  const before = smtp.mails.length;
  expect(
    (await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/password-reset/request", { email })).status,
  ).toBe(202);
  const mail = await smtp.waitForMail((m) => m.text.includes("reset-password#token=") && m.to[0] === email);
  expect(mail.to).toEqual([email]);
  const token = tokenFromMail(mail.text);
  expect(Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
  // Only a hash of it is stored.
  expect(JSON.stringify(t.store.db.all("SELECT * FROM one_time_tokens"))).not.toContain(token);

  const anon = new Browser(t.app, t.config.publicOrigin);
  const newPassword = "brand-new-reset-passphrase";
  const completed = await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword });
  expect(await completed.text()).toBe('{"ok":true}');
  expect(anon.cookies.size).toBe(0); // no session from a reset
  // Single use.
  expect(
    (await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword: "another-new-passphrase" })).status,
  ).toBe(400);
  // Every session ended, the attacker's included.
  expect((await browser.get("/api/v1/me")).status).toBe(401);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  // The new password works, and MFA is still asked for.
  const login = await (await anon.post("/api/v1/auth/login", { email, password: newPassword })).json();
  expect(login.mfaRequired).toBe(true);
  const event = t.store.db.get<{ actor_id: string }>(
    "SELECT actor_id FROM activity_events WHERE type = 'password_reset.completed' AND user_id = ?",
    user.id,
  );
  expect(event?.actor_id).toBe(user.id);
  // The user was told.
  expect((await smtp.waitForMail((m) => m.text.includes("password was reset") && m.to[0] === email)).to).toEqual([
    email,
  ]);
  expect(smtp.mails.length).toBeGreaterThan(before);
});

test("a token expires after 30 minutes; a newer link voids the older one", async () => {
  const { email } = await signedInUser(t);
  const isReset = (m: { text: string; to: string[] }) => m.text.includes("reset-password#token=") && m.to[0] === email;
  await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/password-reset/request", { email });
  const first = tokenFromMail((await smtp.waitForMail(isReset)).text);
  await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/password-reset/request", { email });
  const second = tokenFromMail((await smtp.waitForMail((m) => isReset(m) && tokenFromMail(m.text) !== first)).text);
  const anon = new Browser(t.app, t.config.publicOrigin);
  expect(
    (await anon.post("/api/v1/auth/password-reset/complete", { token: first, newPassword: "first-link-passphrase" }))
      .status,
  ).toBe(400);
  t.clock.advance(30 * 60_000 + 1);
  expect(
    (await anon.post("/api/v1/auth/password-reset/complete", { token: second, newPassword: "second-link-passphrase" }))
      .status,
  ).toBe(400);
});

test("an instance admin's reset link: audited with the admin as actor; the policy applies", async () => {
  const admin = await adminBrowser();
  const { user, email } = await signedInUser(t);
  const res = await admin.browser.post(`/api/v1/instance/users/${user.id}/password-reset-link`);
  expect(res.status).toBe(201);
  const { url, expiresAt } = await res.json();
  expect(Date.parse(expiresAt) - t.clock.now()).toBe(30 * 60_000);
  const token = new URL(url).hash.replace("#token=", "");
  const anon = new Browser(t.app, t.config.publicOrigin);
  const weak = await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword: "short" });
  expect(weak.status).toBe(400);
  expect((await weak.json()).errors[0].field).toBe("newPassword");
  expect(
    (await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword: "admin-issued-passphrase" })).status,
  ).toBe(200);
  const event = t.store.db.get<{ actor_id: string }>(
    "SELECT actor_id FROM activity_events WHERE type = 'password_reset.completed' AND user_id = ?",
    user.id,
  );
  expect(event?.actor_id).toBe(admin.user.id);
  expect((await anon.post("/api/v1/auth/login", { email, password: "admin-issued-passphrase" })).status).toBe(200);
  expect(GOOD_PASSWORD).not.toBe("admin-issued-passphrase");
});

test("without SMTP, self-service reset by email says so (503), whatever the address", async () => {
  const noMail = createTestApp();
  try {
    const res = await new Browser(noMail.app, noMail.config.publicOrigin).post("/api/v1/auth/password-reset/request", {
      email: "x@example.test",
    });
    expect(res.status).toBe(503);
    expect((await res.json()).code).toBe("SMTP_NOT_CONFIGURED");
  } finally {
    noMail.close();
  }
});

test("without SMTP, the refused request is an info event: no error-level log line, no stack", async () => {
  const noMail = createTestApp();
  try {
    const res = await new Browser(noMail.app, noMail.config.publicOrigin).post("/api/v1/auth/password-reset/request", {
      email: "x@example.test",
    });
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    const body = await res.json();
    expect(body.code).toBe("SMTP_NOT_CONFIGURED");
    const lines = noMail.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.level === "error")).toEqual([]);
    expect(lines.filter((l) => "stack" in l)).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: "info", msg: "password_reset.unavailable", code: "SMTP_NOT_CONFIGURED" }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ msg: "request", requestId: body.requestId, status: 503 }));
  } finally {
    noMail.close();
  }
});
