// T-AU12 — Changing email, password or MFA and creating API tokens need a password (or TOTP) check
// from the last 5 minutes.
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

const SENSITIVE: [string, string, unknown][] = [
  ["PATCH", "/api/v1/me", { email: "changed@example.test" }],
  ["POST", "/api/v1/me/password", { newPassword: "a-fresh-passphrase-1" }],
  ["POST", "/api/v1/me/tokens", { name: "t", scope: "read" }],
  ["POST", "/api/v1/me/mfa/totp", {}],
];

test("without a recent sign-in every sensitive change answers 403 REAUTH_REQUIRED", async () => {
  const { browser } = await signedInUser(t);
  t.clock.advance(5 * 60_000 + 1_000);
  for (const [method, path, body] of SENSITIVE) {
    const res = await browser.request(method, path, body);
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("REAUTH_REQUIRED");
  }
  // A display-name change is not sensitive.
  expect((await browser.patch("/api/v1/me", { displayName: "New Name" })).status).toBe(200);
});

test("a wrong password does not re-authenticate; the right one does, for 5 minutes", async () => {
  const { browser, password } = await signedInUser(t);
  t.clock.advance(10 * 60_000);
  expect((await browser.post("/api/v1/auth/reauth", { password: "not-my-password" })).status).toBe(401);
  expect((await browser.post("/api/v1/me/tokens", { name: "t", scope: "read" })).status).toBe(403);
  expect((await browser.post("/api/v1/auth/reauth", { password })).status).toBe(200);
  expect((await browser.post("/api/v1/me/tokens", { name: "t", scope: "read" })).status).toBe(201);
  t.clock.advance(5 * 60_000 + 1_000);
  expect((await browser.post("/api/v1/me/tokens", { name: "t2", scope: "read" })).status).toBe(403);
});

test("a TOTP code re-authenticates too, and turning MFA off needs it", async () => {
  const { browser, password } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  t.clock.advance(10 * 60_000);
  expect((await browser.delete("/api/v1/me/mfa/totp")).status).toBe(403);
  expect((await browser.post("/api/v1/auth/reauth", { code: totpCode(secret, t.clock.now()) })).status).toBe(200);
  expect((await browser.delete("/api/v1/me/mfa/totp")).status).toBe(200);
});

test("an instance admin's account-takeover-grade actions need a fresh sign-in too", async () => {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const { user } = await signedInUser(t);
  t.clock.advance(10 * 60_000);
  for (const [method, path, body] of [
    ["POST", `/api/v1/instance/users/${user.id}/password-reset-link`, {}],
    ["POST", `/api/v1/instance/users/${user.id}/mfa/reset`, {}],
    ["POST", `/api/v1/instance/users/${user.id}/disable`, {}],
    ["PATCH", "/api/v1/instance/settings", { sessionIdleMinutes: 20 }],
    ["POST", "/api/v1/instance/sso-providers", { name: "x", preset: "google", clientId: "c", clientSecret: "s" }],
  ] as const) {
    const res = await admin.browser.request(method, path, body);
    expect({ path, status: res.status }).toEqual({ path, status: 403 });
    expect((await res.json()).code).toBe("REAUTH_REQUIRED");
  }
  // Reading stays possible.
  expect((await admin.browser.get("/api/v1/instance/users")).status).toBe(200);
});
