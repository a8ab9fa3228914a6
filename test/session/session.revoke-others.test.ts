// T-S8 / T-S5 — "Sign out everywhere else" (after re-authentication) ends every session of mine but
// this one, at once; my API tokens keep working. Each session names its browser and OS apart.
import { afterAll, expect, test } from "bun:test";
import { secondBrowser, signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("sessions name their browser and OS; revoke-others ends the others only, after re-authentication", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  const third = await secondBrowser(t, email, password);
  const { sessions } = await (await browser.get("/api/v1/me/sessions")).json();
  expect(sessions).toHaveLength(3);
  const current = sessions.find((s: { current: boolean }) => s.current);
  expect({ browser: current.browser, os: current.os, userAgent: current.userAgent }).toEqual({
    browser: "Firefox",
    os: "Linux",
    userAgent: "Firefox on Linux",
  });
  expect(sessions.filter((s: { os: string }) => s.os === "Windows")).toHaveLength(2);
  const token = (await (await browser.post("/api/v1/me/tokens", { name: "ci", scope: "read" })).json()).token;

  t.clock.advance(5 * 60_000 + 1_000);
  const stale = await browser.post("/api/v1/me/sessions/revoke-others");
  expect(stale.status).toBe(403);
  expect((await stale.json()).code).toBe("REAUTH_REQUIRED");
  expect((await other.get("/api/v1/me")).status).toBe(200);

  expect((await browser.post("/api/v1/auth/reauth", { password })).status).toBe(200);
  const res = await browser.post("/api/v1/me/sessions/revoke-others");
  expect(res.status).toBe(200);
  expect((await res.json()).revoked).toBe(2);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await third.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
  const left = (await (await browser.get("/api/v1/me/sessions")).json()).sessions;
  expect(left.map((s: { current: boolean }) => s.current)).toEqual([true]);
  const bearer = await t.app.request("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(bearer.status).toBe(200);
});
