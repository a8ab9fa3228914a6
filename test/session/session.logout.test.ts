// T-S4 — Logout is effective: the pre-logout token, still inside its exp, gets 401 on the next request.
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("T-S4: after logout the pre-logout token (inside its exp) gets 401", async () => {
  const { browser } = await signedInUser(t);
  const token = browser.cookies.get("loupe_session")!;
  expect((await browser.post("/api/v1/auth/logout")).status).toBe(200);
  const res = await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${token}` } });
  expect(res.status).toBe(401);
});
