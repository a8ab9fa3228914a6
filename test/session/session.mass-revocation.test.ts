// T-S5 — Mass revocation takes effect within one request: password change, MFA change, disabling
// the user, an admin's revocation, and log out everywhere.
import { afterAll, expect, test } from "bun:test";
import { enableTotp, secondBrowser, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("T-S5: password change ends the other sessions; this browser continues on a new session", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  await browser.post("/api/v1/auth/reauth", { password });
  expect((await browser.post("/api/v1/me/password", { newPassword: "changed-passphrase-xyz" })).status).toBe(200);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});

test("T-S5: turning MFA on ends the other sessions", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  await enableTotp(t, browser, password);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});

test("T-S5: disabling the user and an admin's revocation end every session at once", async () => {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const victim = await signedInUser(t);
  const other = await secondBrowser(t, victim.email, victim.password);
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/sessions/revoke`)).status).toBe(200);
  expect((await victim.browser.get("/api/v1/me")).status).toBe(401);
  expect((await other.get("/api/v1/me")).status).toBe(401);

  const again = await secondBrowser(t, victim.email, victim.password);
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/disable`)).status).toBe(200);
  expect((await again.get("/api/v1/me")).status).toBe(401);
  const refused = await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", {
    email: victim.email,
    password: victim.password,
  });
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("ACCOUNT_DISABLED");
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/enable`)).status).toBe(200);
  expect(
    (
      await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", {
        email: victim.email,
        password: victim.password,
      })
    ).status,
  ).toBe(200);
});

test("T-S5: log out everywhere (after re-auth) ends every session, this one included", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  t.clock.advance(6 * 60_000);
  expect((await browser.post("/api/v1/me/sessions/revoke-all")).status).toBe(403);
  await browser.post("/api/v1/auth/reauth", { password });
  expect((await (await browser.post("/api/v1/me/sessions/revoke-all")).json()).revoked).toBe(2);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(401);
});

test("T-S5: API tokens end too: password change, log out everywhere", async () => {
  const { password, browser } = await signedInUser(t);
  await browser.post("/api/v1/auth/reauth", { password });
  const first = (await (await browser.post("/api/v1/me/tokens", { name: "a", scope: "write" })).json()).token;
  const bearer = (token: string) => t.app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect((await bearer(first)).status).toBe(200);
  await browser.post("/api/v1/me/password", { newPassword: "token-killing-passphrase" });
  expect((await bearer(first)).status).toBe(401);

  await browser.post("/api/v1/auth/reauth", { password: "token-killing-passphrase" });
  const second = (await (await browser.post("/api/v1/me/tokens", { name: "b", scope: "read" })).json()).token;
  expect((await bearer(second)).status).toBe(200);
  await browser.post("/api/v1/me/sessions/revoke-all");
  expect((await bearer(second)).status).toBe(401);
});
