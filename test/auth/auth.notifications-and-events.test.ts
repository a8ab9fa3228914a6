// Auth events are recorded with ids only (no email, IP or secret), and with SMTP configured the user
// is emailed (real SMTP server) on a sign-in from a browser without a device cookie, on password and
// MFA changes, and when an instance admin resets their MFA (the break-glass path, audited).
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { startSmtp } from "../support/smtp.ts";
import { createTestApp } from "../support/test-app.ts";

const smtp = await startSmtp();
const t = createTestApp({}, { mailer: smtp.mailer, authAttemptsPerMinute: 10_000 });
afterAll(async () => {
  t.close();
  await smtp.stop();
});

const mailTo = (email: string, words: string) => smtp.waitForMail((m) => m.to[0] === email && m.text.includes(words));

test("new-browser sign-in, password change and MFA changes are emailed; a known browser is not", async () => {
  const { email, password, browser, user } = await signedInUser(t);
  await mailTo(email, "had not signed in before");
  const before = smtp.mails.filter((m) => m.to[0] === email && m.text.includes("had not signed in before")).length;
  await browser.post("/api/v1/auth/logout");
  await browser.post("/api/v1/auth/login", { email, password }); // known browser: device cookie
  await smtp.settled();
  expect(smtp.mails.filter((m) => m.to[0] === email && m.text.includes("had not signed in before")).length).toBe(
    before,
  );

  await browser.post("/api/v1/auth/reauth", { password });
  await browser.post("/api/v1/me/password", { newPassword: "notified-new-passphrase" });
  await mailTo(email, "password of your Loupe account was changed");
  const { secret } = await enableTotp(t, browser, "notified-new-passphrase");
  await mailTo(email, "Two-factor authentication was turned on");

  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  expect((await admin.browser.post(`/api/v1/instance/users/${user.id}/mfa/reset`)).status).toBe(200);
  await mailTo(email, "administrator of this Loupe installation removed two-factor authentication");
  // The reset ended the user's sessions and removed MFA: the password alone signs in now.
  expect((await browser.get("/api/v1/me")).status).toBe(401);
  const login = await (
    await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", {
      email,
      password: "notified-new-passphrase",
    })
  ).json();
  expect(login.status).toBe("signed_in");
  const reset = t.store.db.get<{ actor_id: string; target_id: string }>(
    "SELECT actor_id, target_id FROM activity_events WHERE type = 'mfa.reset_by_admin'",
  );
  expect(reset).toEqual({ actor_id: admin.user.id, target_id: user.id });
  expect(secret.length).toBeGreaterThan(0);
  // Mails carry no secret and no IP.
  for (const m of smtp.mails) {
    expect(m.text).not.toContain(secret);
    expect(m.text).not.toContain("198.51.100");
  }
});

test("auth events: one per action, ids only", async () => {
  const { email, password, user } = await signedInUser(t);
  const b = new Browser(t.app, t.config.publicOrigin);
  await b.post("/api/v1/auth/login", { email, password: "wrong-password-here" });
  await b.post("/api/v1/auth/login", { email, password });
  await b.post("/api/v1/auth/reauth", { password });
  const { secret } = await enableTotp(t, b, password);
  const mfa = new Browser(t.app, t.config.publicOrigin);
  const { challenge } = await (await mfa.post("/api/v1/auth/login", { email, password })).json();
  await mfa.post("/api/v1/auth/mfa", {
    challenge,
    code: totpCode(secret, t.clock.now()) === "000000" ? "111111" : "000000",
  });
  await b.post("/api/v1/auth/reauth", { password });
  const { apiToken } = await (await b.post("/api/v1/me/tokens", { name: "t", scope: "read" })).json();
  await b.delete(`/api/v1/me/tokens/${apiToken.id}`);
  await b.post("/api/v1/auth/logout");
  const rows = t.store.db.all<Record<string, unknown>>(
    "SELECT * FROM activity_events WHERE user_id = ? ORDER BY at, rowid",
    user.id,
  );
  const types = rows.map((r) => r.type);
  for (const type of [
    "user.created",
    "login.failed",
    "login.succeeded",
    "reauth.succeeded",
    "mfa.enabled",
    "mfa.failed",
    "token.created",
    "token.revoked",
    "session.revoked",
  ]) {
    expect(types).toContain(type);
  }
  expect(types.filter((x) => x === "login.failed")).toHaveLength(1);
  const dump = JSON.stringify(rows);
  expect(dump).not.toContain(email);
  expect(dump).not.toContain(password);
  expect(dump).not.toContain("198.51.100");
  expect(Object.keys(rows[0]!).sort()).toEqual([
    "actor_id",
    "at",
    "id",
    "outcome",
    "target_id",
    "team_id",
    "type",
    "user_id",
  ]);
});
