// T-O3 — An IdP account whose email equals a local account's is never linked silently (verified or
// not, from any IdP): no session; linking needs that local user signed in, in the same browser, to
// confirm. Identities are keyed on (issuer, subject).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18445" }, { authAttemptsPerMinute: 10_000 });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let idp: Idp;
let idp2: Idp;
const providers: string[] = [];

beforeAll(async () => {
  idp = await startIdp(callback);
  idp2 = await startIdp(callback);
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  for (const [name, p] of [
    ["One", idp],
    ["Two", idp2],
  ] as const) {
    const res = await admin.browser.post("/api/v1/instance/sso-providers", {
      name,
      preset: "generic",
      issuer: p.issuer,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      jitEnabled: true,
    });
    providers.push((await res.json()).id);
  }
});
afterAll(async () => {
  t.close();
  await idp.stop();
  await idp2.stop();
});

async function ssoRoundTrip(b: Browser, provider: Idp, providerId: string, accountId: string) {
  provider.nextLogin = { accountId, amr: ["pwd"] };
  const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${providerId}/start`, {})).json();
  return (await b.navigateFromOtherSite(await provider.authorize(authorizationUrl, callback))).headers.get("Location")!;
}

test("same email, verified or not, from either IdP: never signed in as the local user (unverified: not even a link offer)", async () => {
  const local = await signedInUser(t);
  idp.accounts.set("imposter-verified", { email: local.email, email_verified: true });
  idp2.accounts.set("imposter-unverified", { email: local.email.toUpperCase(), email_verified: false });
  for (const [p, id, account, outcome] of [
    [idp, providers[0]!, "imposter-verified", "#ssoLink=[A-Za-z0-9_-]+"],
    [idp2, providers[1]!, "imposter-unverified", "#ssoError=not_provisioned"],
  ] as const) {
    const b = new Browser(t.app, t.config.publicOrigin);
    const location = await ssoRoundTrip(b, p, id, account);
    expect(location).toMatch(new RegExp(`^${t.config.publicOrigin}/sign-in${outcome}$`));
    expect(b.cookies.has("loupe_session")).toBe(false);
  }
  expect(
    t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM oidc_identities WHERE user_id = ?", local.user.id)?.n,
  ).toBe(0);
});

test("the local user confirms the link from the same browser after signing in; then SSO signs them in", async () => {
  const local = await signedInUser(t);
  idp.accounts.set("owner-at-idp", { email: local.email, email_verified: true });
  const b = new Browser(t.app, t.config.publicOrigin);
  const linkId = (await ssoRoundTrip(b, idp, providers[0]!, "owner-at-idp")).split("#ssoLink=")[1]!;

  // Another browser (an attacker who sent the victim the link id) cannot confirm it.
  expect((await local.browser.post(`/api/v1/me/sso-links/${linkId}/confirm`)).status).toBe(404);

  const again = new Browser(t.app, t.config.publicOrigin);
  const linkId2 = (await ssoRoundTrip(again, idp, providers[0]!, "owner-at-idp")).split("#ssoLink=")[1]!;
  expect((await again.post("/api/v1/auth/login", { email: local.email, password: local.password })).status).toBe(200);
  expect((await again.post(`/api/v1/me/sso-links/${linkId2}/confirm`)).status).toBe(200);
  expect(
    t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM oidc_identities WHERE user_id = ?", local.user.id)?.n,
  ).toBe(1);

  const fresh = new Browser(t.app, t.config.publicOrigin);
  expect(await ssoRoundTrip(fresh, idp, providers[0]!, "owner-at-idp")).toBe(`${t.config.publicOrigin}/`);
  expect((await (await fresh.get("/api/v1/me")).json()).user.id).toBe(local.user.id);
});

test("a signed-in user links an IdP account on purpose; one already linked elsewhere is refused", async () => {
  const me = await signedInUser(t);
  idp2.accounts.set("my-work-account", { email: "work.alias@corp.example", email_verified: true });
  const { authorizationUrl } = await (
    await me.browser.post(`/api/v1/me/sso/${providers[1]}/link`, { returnTo: "/settings" })
  ).json();
  idp2.nextLogin = { accountId: "my-work-account", amr: ["pwd"] };
  const done = await me.browser.navigateFromOtherSite(await idp2.authorize(authorizationUrl, callback));
  expect(done.headers.get("Location")).toBe(`${t.config.publicOrigin}/settings`);
  const someoneElse = await signedInUser(t);
  const second = await (await someoneElse.browser.post(`/api/v1/me/sso/${providers[1]}/link`, {})).json();
  const refused = await someoneElse.browser.navigateFromOtherSite(
    await idp2.authorize(second.authorizationUrl, callback),
  );
  expect(refused.headers.get("Location")).toBe(`${t.config.publicOrigin}/sign-in#ssoError=already_linked`);
});
