// T-S8 — A user lists their sessions (no IP) and ends another one, which gets 401 on its next request.
import { afterAll, expect, test } from "bun:test";
import { secondBrowser, signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("T-S8: a user lists their sessions (no IP) and ends another one; it gets 401 next", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(t, email, password);
  const { sessions } = await (await browser.get("/api/v1/me/sessions")).json();
  expect(sessions).toHaveLength(2);
  expect(sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
  expect(sessions.map((s: { userAgent: string }) => s.userAgent).sort()).toEqual([
    "Chrome on Windows",
    "Firefox on Linux",
  ]);
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
