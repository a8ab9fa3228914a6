// T-S4 / T-S5 / T-S8 / T-S9 — Revocation takes effect on the very next request: logout (the old
// token reused inside its exp), log out everywhere, password change, MFA change, disabling the user,
// an admin revoking a user's sessions. Users list and end their sessions. Revocation is keyed on the
// session id, never a token hash: a re-signed token for a revoked session is still refused.
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

test("T-S5: password change ends the other sessions; this browser continues on a new session", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(email, password);
  await browser.post("/api/v1/auth/reauth", { password });
  expect((await browser.post("/api/v1/me/password", { newPassword: "changed-passphrase-xyz" })).status).toBe(200);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});

test("T-S5: turning MFA on ends the other sessions", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(email, password);
  await enableTotp(t, browser, password);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});

test("T-S5: disabling the user and an admin's revocation end every session at once", async () => {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const victim = await signedInUser(t);
  const other = await secondBrowser(victim.email, victim.password);
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/sessions/revoke`)).status).toBe(200);
  expect((await victim.browser.get("/api/v1/me")).status).toBe(401);
  expect((await other.get("/api/v1/me")).status).toBe(401);

  const again = await secondBrowser(victim.email, victim.password);
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/disable`)).status).toBe(200);
  expect((await again.get("/api/v1/me")).status).toBe(401);
  const refused = await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", { email: victim.email, password: victim.password });
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("ACCOUNT_DISABLED");
  expect((await admin.browser.post(`/api/v1/instance/users/${victim.user.id}/enable`)).status).toBe(200);
  expect((await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", { email: victim.email, password: victim.password })).status).toBe(200);
});

test("T-S5: log out everywhere (after re-auth) ends every session, this one included", async () => {
  const { email, password, browser } = await signedInUser(t);
  const other = await secondBrowser(email, password);
  t.clock.advance(6 * 60_000);
  expect((await browser.post("/api/v1/me/sessions/revoke-all")).status).toBe(403);
  await browser.post("/api/v1/auth/reauth", { password });
  expect((await (await browser.post("/api/v1/me/sessions/revoke-all")).json()).revoked).toBe(2);
  expect((await other.get("/api/v1/me")).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(401);
});

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

test("T-S9: a re-signed token for a revoked session is refused (revocation by sid, not token hash)", async () => {
  const { browser, user } = await signedInUser(t);
  const token = browser.cookies.get("loupe_session")!;
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  await browser.post("/api/v1/auth/logout");
  const now = Math.floor(t.clock.now() / 1000);
  const reissued = await new SignJWT({ sid: claims.sid, ver: claims.ver })
    .setProtectedHeader({ alg: "HS256", typ: SESSION_TYP })
    .setSubject(user.id)
    .setJti("a-brand-new-jti")
    .setIssuer(t.config.publicOrigin)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(t.store.keyring.session);
  expect(reissued).not.toBe(token);
  expect((await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${reissued}` } })).status).toBe(401);
  // Code assertion: the sessions table and its store know no token or token hash.
  const sessionsSql = readFileSync(join(import.meta.dir, "..", "..", "src", "store", "sessions.ts"), "utf8");
  expect(sessionsSql).not.toMatch(/token/i);
  const columns = t.store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('sessions')").map((c) => c.name);
  expect(columns.some((c) => /token|hash/.test(c))).toBe(false);
});
