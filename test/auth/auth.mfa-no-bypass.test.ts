// T-AU9 — With MFA on, no path yields a full session without the second factor: password login,
// a known device ("remember device" does not skip MFA), password reset, the setup route, and an
// API token is no way into the session routes. (The SSO callback: test/sso/sso.mfa-policy.test.ts.)
import { afterAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("password alone gives a challenge and no session cookie, even from a known browser", async () => {
  const { email, password, browser } = await signedInUser(t);
  await enableTotp(t, browser, password);
  // `browser` signed in before and holds the device cookie.
  await browser.post("/api/v1/auth/logout");
  const res = await browser.post("/api/v1/auth/login", { email, password });
  const body = await res.json();
  expect(body.mfaRequired).toBe(true);
  expect(browser.lastSetCookies.some((c) => c.includes("loupe_session="))).toBe(false);
  expect((await browser.get("/api/v1/me")).status).toBe(401);
  // The challenge itself is no credential.
  expect((await browser.get("/api/v1/me", { Authorization: `Bearer ${body.challenge}` })).status).toBe(401);
});

test("a password reset leaves MFA on and creates no session", async () => {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const { user, email, password, browser } = await signedInUser(t);
  await enableTotp(t, browser, password);
  const link = await (await admin.browser.post(`/api/v1/instance/users/${user.id}/password-reset-link`)).json();
  const token = new URL(link.url).hash.replace("#token=", "");
  const anon = new Browser(t.app, t.config.publicOrigin);
  expect(
    (await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword: "after-reset-passphrase" })).status,
  ).toBe(200);
  expect(anon.cookies.has("loupe_session")).toBe(false);
  expect(
    (await (await anon.post("/api/v1/auth/login", { email, password: "after-reset-passphrase" })).json()).mfaRequired,
  ).toBe(true);
});

test("an API token never opens the session routes (MFA, sessions, tokens)", async () => {
  const { password, browser } = await signedInUser(t);
  await browser.post("/api/v1/auth/reauth", { password });
  const { token } = await (await browser.post("/api/v1/me/tokens", { name: "ci", scope: "write" })).json();
  const bearer = { Authorization: `Bearer ${token}` };
  const anon = new Browser(t.app, t.config.publicOrigin);
  for (const [method, path] of [
    ["POST", "/api/v1/me/mfa/totp"],
    ["GET", "/api/v1/me/sessions"],
    ["POST", "/api/v1/me/tokens"],
    ["POST", "/api/v1/auth/reauth"],
    ["POST", "/api/v1/me/password"],
  ] as const) {
    const res = await anon.request(method, path, method === "POST" ? {} : undefined, bearer);
    expect([400, 403]).toContain(res.status);
    if (res.status === 403) expect((await res.json()).code).toBe("TOKEN_NOT_ALLOWED");
  }
  expect((await anon.get("/api/v1/me", bearer)).status).toBe(200);
});

test("a new instance admin must enrol MFA before anything but /me, enrolment and logout", async () => {
  const { browser } = await signedInUser(t, { admin: true });
  const me = await (await browser.get("/api/v1/me")).json();
  expect(me.session.mfaEnrolmentRequired).toBe(true);
  for (const path of [
    "/api/v1/instance/users",
    "/api/v1/me/sessions",
    "/api/v1/me/tokens",
    "/api/v1/instance/settings",
  ]) {
    const res = await browser.get(path);
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("MFA_ENROLMENT_REQUIRED");
  }
  expect((await browser.post("/api/v1/me/mfa/totp")).status).toBe(200);
  expect((await browser.post("/api/v1/auth/logout")).status).toBe(200);
});

test("a sign-in challenge is bound to the browser that passed the password", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const first = new Browser(t.app, t.config.publicOrigin);
  const { challenge } = await (await first.post("/api/v1/auth/login", { email, password })).json();
  const thief = new Browser(t.app, t.config.publicOrigin);
  const stolen = await thief.post("/api/v1/auth/mfa", {
    challenge,
    code: (await import("../../src/lib/totp.ts")).totpCode(secret, t.clock.now()),
  });
  expect(stolen.status).toBe(401);
  expect((await stolen.json()).code).toBe("MFA_CHALLENGE_INVALID");
});

test("an instance admin who turns MFA off must enrol again before anything else", async () => {
  const { browser, password } = await signedInUser(t, { admin: true });
  await enableTotp(t, browser, password);
  expect((await browser.get("/api/v1/instance/users")).status).toBe(200);
  await browser.post("/api/v1/auth/reauth", { password });
  expect((await browser.delete("/api/v1/me/mfa/totp")).status).toBe(200);
  const res = await browser.get("/api/v1/instance/users");
  expect(res.status).toBe(403);
  expect((await res.json()).code).toBe("MFA_ENROLMENT_REQUIRED");
});
