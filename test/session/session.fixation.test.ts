// T-S6 — A new session id at login and again after MFA: a planted pre-login cookie is ignored and
// replaced, the post-password and post-MFA cookies differ, and an old session id is refused.
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

const sidOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid as string;

test("a planted cookie is not adopted: login issues a new session id", async () => {
  const victim = await signedInUser(t);
  const attacker = await signedInUser(t);
  const planted = attacker.browser.cookies.get("loupe_session")!;
  const b = new Browser(t.app, t.config.publicOrigin);
  b.cookies.set("loupe_session", planted);
  expect((await b.post("/api/v1/auth/login", { email: victim.email, password: victim.password })).status).toBe(200);
  const issued = b.cookies.get("loupe_session")!;
  expect(sidOf(issued)).not.toBe(sidOf(planted));
  expect((await (await b.get("/api/v1/me")).json()).user.id).toBe(victim.user.id);
});

test("pre-login, post-password and post-MFA values all differ; old sids are refused", async () => {
  // An instance admin: password gives a (pending-enrolment) session, enrolment gives a new one.
  const { browser, password } = await signedInUser(t, { admin: true });
  const afterPassword = browser.cookies.get("loupe_session")!;
  await enableTotp(t, browser, password);
  const afterMfa = browser.cookies.get("loupe_session")!;
  expect(sidOf(afterMfa)).not.toBe(sidOf(afterPassword));
  expect((await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${afterPassword}` } })).status).toBe(
    401,
  );

  // A user with MFA: the password step sets no session at all, the MFA step a new one.
  const { email, password: pw, browser: b2 } = await signedInUser(t);
  const { secret } = await enableTotp(t, b2, pw);
  const fresh = new Browser(t.app, t.config.publicOrigin);
  const first = await (await fresh.post("/api/v1/auth/login", { email, password: pw })).json();
  expect(fresh.cookies.has("loupe_session")).toBe(false);
  await fresh.post("/api/v1/auth/mfa", { challenge: first.challenge, code: totpCode(secret, t.clock.now()) });
  const mfaSid = sidOf(fresh.cookies.get("loupe_session")!);
  expect(mfaSid).not.toBe(sidOf(b2.cookies.get("loupe_session")!));
});

test("re-authentication issues a new session id; the old one is refused", async () => {
  const { browser, password } = await signedInUser(t);
  const before = browser.cookies.get("loupe_session")!;
  expect((await browser.post("/api/v1/auth/reauth", { password })).status).toBe(200);
  const after = browser.cookies.get("loupe_session")!;
  expect(sidOf(after)).not.toBe(sidOf(before));
  expect((await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${before}` } })).status).toBe(401);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});
