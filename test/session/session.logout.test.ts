// T-S4 — Logout is effective: the pre-logout token, still inside its exp, gets 401 on the next request.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { SESSION_AUDIENCE, SESSION_TYP } from "../../src/lib/jwt.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

async function secondBrowser(email: string, password: string): Promise<Browser> {
  const b = new Browser(t.app, t.config.publicOrigin, "198.51.100.20", "Mozilla/5.0 (Windows NT 10.0) Chrome/140.0");
  expect((await b.post("/api/v1/auth/login", { email, password })).status).toBe(200);
  return b;
}

test("T-S4: after logout the pre-logout token (inside its exp) gets 401", async () => {
  const { browser } = await signedInUser(t);
  const token = browser.cookies.get("loupe_session")!;
  expect((await browser.post("/api/v1/auth/logout")).status).toBe(200);
  const res = await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${token}` } });
  expect(res.status).toBe(401);
});
