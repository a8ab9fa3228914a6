// T-AU12 (password) — Changing my password needs my current password (or a sign-in from the last 5
// minutes): a wrong one is refused naming the field, counts as a failed attempt, and changes nothing;
// the right one changes it, my other sessions end, and the new password signs in.
import { afterAll, expect, test } from "bun:test";
import { secondBrowser, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

const NEW = "a-fresh-passphrase-for-me";

test("a wrong current password: 403 CURRENT_PASSWORD_INVALID naming the field; nothing changes", async () => {
  const { browser, email, password } = await signedInUser(t);
  t.clock.advance(10 * 60_000);
  const res = await browser.post("/api/v1/me/password", { currentPassword: "not-my-password", newPassword: NEW });
  expect(res.status).toBe(403);
  const problem = await res.json();
  expect(problem.code).toBe("CURRENT_PASSWORD_INVALID");
  expect(problem.errors).toEqual([{ field: "currentPassword", message: "The current password is wrong." }]);
  expect(JSON.stringify(problem)).not.toContain("not-my-password");
  // Still the old password, and the failure was recorded.
  expect((await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", { email, password })).status).toBe(
    200,
  );
  expect(
    t.store.db.get<{ n: number }>(
      "SELECT count(*) AS n FROM activity_events WHERE type = 'reauth.failed' AND user_id = (SELECT id FROM users WHERE email = ?)",
      email,
    )?.n,
  ).toBe(1);
});

test("the right current password (long after sign-in): changed; other sessions end; the new one signs in", async () => {
  const { browser, email, password } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  t.clock.advance(10 * 60_000);
  // Without the current password, the old sign-in is not recent enough.
  const stale = await browser.post("/api/v1/me/password", { newPassword: NEW });
  expect(stale.status).toBe(403);
  expect((await stale.json()).code).toBe("REAUTH_REQUIRED");
  const res = await browser.post("/api/v1/me/password", { currentPassword: password, newPassword: NEW });
  expect(res.status).toBe(200);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  const fresh = new Browser(t.app, t.config.publicOrigin);
  expect((await fresh.post("/api/v1/auth/login", { email, password })).status).toBe(401);
  expect((await fresh.post("/api/v1/auth/login", { email, password: NEW })).status).toBe(200);
});

test("the new password still meets the policy (named field), even with the right current password", async () => {
  const { browser, password } = await signedInUser(t);
  const res = await browser.post("/api/v1/me/password", { currentPassword: password, newPassword: "short" });
  expect(res.status).toBe(400);
  const problem = await res.json();
  expect(problem.code).toBe("PASSWORD_POLICY");
  expect(problem.errors[0].field).toBe("newPassword");
});
