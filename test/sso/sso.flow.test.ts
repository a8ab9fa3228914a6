// SSO against a real OpenID Provider (oidc-provider) on 127.0.0.1 while Loupe is on localhost: the
// pre-auth cookie is SameSite=Lax and survives the IdP's cross-site redirect back; identities are
// keyed on (issuer, subject); a known identity signs in; JIT creation when enabled; domain limits.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18443" }, { authAttemptsPerMinute: 10_000 });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let idp: Idp;
let providerId: string;
let admin: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  idp = await startIdp(callback);
  admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const res = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "Test IdP",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    jitEnabled: true,
  });
  expect(res.status).toBe(201);
  providerId = (await res.json()).id;
});
afterAll(async () => {
  t.close();
  await idp.stop();
});

/** The whole browser round trip: start at Loupe, sign in at the IdP, come back cross-site. */
async function ssoSignIn(browser: Browser, accountId: string, amr = ["pwd"], returnTo = "/inbox?view=new") {
  idp.nextLogin = { accountId, amr };
  const start = await browser.post(`/api/v1/auth/sso/${providerId}/start`, { returnTo });
  expect(start.status).toBe(200);
  const { authorizationUrl } = await start.json();
  const back = await idp.authorize(authorizationUrl, callback);
  return browser.navigateFromOtherSite(back);
}

test("the pre-auth cookie is SameSite=Lax, HttpOnly; the authorization request uses PKCE S256, state and nonce", async () => {
  const b = new Browser(t.app, t.config.publicOrigin);
  const start = await b.post(`/api/v1/auth/sso/${providerId}/start`, {});
  const cookie = start.headers.getSetCookie().find((c) => c.startsWith("loupe_sso="))!;
  expect(cookie).toContain("SameSite=Lax");
  expect(cookie).toContain("HttpOnly");
  const url = new URL((await start.json()).authorizationUrl);
  expect(url.origin).toBe(idp.issuer);
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(url.searchParams.get("state")!.length).toBeGreaterThanOrEqual(22);
  expect(url.searchParams.get("nonce")!.length).toBeGreaterThanOrEqual(22);
  expect(url.searchParams.get("redirect_uri")).toBe(callback);
});

test("JIT: a new verified IdP account becomes a user and is signed in, sent to the (same-origin) returnTo", async () => {
  idp.accounts.set("jit-user", { email: "jit.user@corp.example", email_verified: true, name: "Jit User" });
  const b = new Browser(t.app, t.config.publicOrigin);
  const res = await ssoSignIn(b, "jit-user");
  expect(res.status).toBe(302);
  expect(res.headers.get("Location")).toBe(`${t.config.publicOrigin}/inbox?view=new`);
  const me = await (await b.get("/api/v1/me")).json();
  expect(me.user.email).toBe("jit.user@corp.example");
  expect(me.user.hasPassword).toBe(false);
  expect(me.session.method).toBe("sso");
  // Signing in again finds the same user by (issuer, subject).
  const again = new Browser(t.app, t.config.publicOrigin);
  await ssoSignIn(again, "jit-user");
  expect((await (await again.get("/api/v1/me")).json()).user.id).toBe(me.user.id);
  expect(t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM oidc_identities WHERE subject = 'jit-user'")?.n).toBe(
    1,
  );
});

test("JIT: an IdP name with control characters is not stored; the email's local part names the account", async () => {
  idp.accounts.set("jit-nul", {
    email: "jit.nul@corp.example",
    email_verified: true,
    name: "Visible\u0000hidden\u001b[31m",
  });
  const b = new Browser(t.app, t.config.publicOrigin);
  expect((await ssoSignIn(b, "jit-nul")).status).toBe(302);
  const me = await (await b.get("/api/v1/me")).json();
  expect(me.user.email).toBe("jit.nul@corp.example");
  expect(me.user.displayName).toBe("jit.nul");
});

test("without the pre-auth cookie (a Strict cookie would be dropped cross-site) the callback is refused", async () => {
  idp.accounts.set("cookie-less", { email: "cookie.less@corp.example", email_verified: true });
  const b = new Browser(t.app, t.config.publicOrigin);
  idp.nextLogin = { accountId: "cookie-less", amr: ["pwd"] };
  const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${providerId}/start`, {})).json();
  const back = await idp.authorize(authorizationUrl, callback);
  b.cookies.delete("loupe_sso");
  const res = await b.navigateFromOtherSite(back);
  expect(res.headers.get("Location")).toBe(`${t.config.publicOrigin}/sign-in#ssoError=invalid_request`);
  expect(b.cookies.has("loupe_session")).toBe(false);
});

test("domain restriction and JIT off: refused with a reason, no user created", async () => {
  const restricted = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "Restricted",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    allowedDomains: ["allowed.example"],
    jitEnabled: false,
  });
  const restrictedId = (await restricted.json()).id;
  idp.accounts.set("outsider", { email: "someone@other.example", email_verified: true });
  idp.accounts.set("insider", { email: "someone@allowed.example", email_verified: true });
  for (const [account, reason] of [
    ["outsider", "domain_not_allowed"],
    ["insider", "not_provisioned"],
  ] as const) {
    const b = new Browser(t.app, t.config.publicOrigin);
    idp.nextLogin = { accountId: account, amr: ["pwd"] };
    const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${restrictedId}/start`, {})).json();
    const res = await b.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
    expect(res.headers.get("Location")).toBe(`${t.config.publicOrigin}/sign-in#ssoError=${reason}`);
  }
  expect(t.store.db.get("SELECT id FROM users WHERE email LIKE 'someone@%'")).toBeUndefined();
});

test("the provider's client secret is stored sealed and never returned", async () => {
  const list = await (await admin.browser.get("/api/v1/instance/sso-providers")).json();
  expect(JSON.stringify(list)).not.toContain(idp.clientSecret);
  const rows = JSON.stringify(t.store.db.all("SELECT * FROM oidc_providers"));
  expect(rows).not.toContain(idp.clientSecret);
  // Only an instance admin may read or change providers.
  const plain = await signedInUser(t);
  expect((await plain.browser.get("/api/v1/instance/sso-providers")).status).toBe(403);
});

test("JIT into a team: a provider with a chosen team makes new accounts reporters there (audited)", async () => {
  const owner = await signedInUser(t);
  const team = await (await owner.browser.post("/api/v1/teams", { name: "JIT team" })).json();
  const res = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "Team IdP",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    jitEnabled: true,
    jitTeamId: team.id,
  });
  const teamProvider = (await res.json()).id;
  idp.accounts.set("jit-reporter", { email: "jit.reporter@corp.example", email_verified: true });
  const b = new Browser(t.app, t.config.publicOrigin);
  idp.nextLogin = { accountId: "jit-reporter", amr: ["pwd"] };
  const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${teamProvider}/start`, {})).json();
  await b.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
  const teams = await (await b.get("/api/v1/teams")).json();
  expect(teams.teams.map((x: { id: string; role: string }) => [x.id, x.role])).toEqual([[team.id, "reporter"]]);
  const audit = await (await owner.browser.get(`/api/v1/teams/${team.id}/audit`)).json();
  expect(audit.entries.some((e: { action: string }) => e.action === "member.added")).toBe(true);
});
