// T-S8 — A user lists their sessions (no IP) and ends another one, which gets 401 on its next request.
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

test("T-S8: a user lists their sessions (no IP) and ends another one; it gets 401 next", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(email, password);
  const { sessions } = await (await browser.get("/api/v1/me/sessions")).json();
  expect(sessions).toHaveLength(2);
  expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  expect(sessions.map((s: { userAgent: string }) => s.userAgent).sort()).toEqual(["Chrome on Windows", "Firefox on Linux"]);
  expect(JSON.stringify(sessions)).not.toContain("198.51.100");
  const otherId = sessions.find((s: { current: boolean }) => !s.current).id;
  expect((await browser.delete(`/api/v1/me/sessions/${otherId}`)).status).toBe(200);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  // Someone else's session id answers 404.
  const stranger = await signedInUser(t);
  const strangerHandle = (await (await stranger.browser.get("/api/v1/me")).json()).session.id;
  expect((await browser.delete(`/api/v1/me/sessions/${strangerHandle}`)).status).toBe(404);
  // Handles are not the session ids that tokens carry.
  const strangerToken = stranger.browser.cookies.get("loupe_session")!;
  expect(JSON.parse(Buffer.from(strangerToken.split(".")[1]!, "base64url").toString()).sid).not.toBe(strangerHandle);
  expect((await stranger.browser.get("/api/v1/me")).status).toBe(200);
});
