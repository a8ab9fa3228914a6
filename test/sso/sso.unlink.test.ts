// T-O3 / T-AU12 — My linked provider accounts: listed by provider name (never the IdP's subject id);
// unlinking needs a recent sign-in, is refused when it is my only way in, ends the other sessions that
// provider signed in, and only ever touches my own identities.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18449" }, { authAttemptsPerMinute: 10_000 });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let idp: Idp;
let providerId: string;

beforeAll(async () => {
  idp = await startIdp(callback);
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const res = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "Corp IdP",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    jitEnabled: true,
  });
  providerId = (await res.json()).id;
});
afterAll(async () => {
  t.close();
  await idp.stop();
});

async function ssoSignIn(accountId: string, returnTo?: string) {
  const b = new Browser(t.app, t.config.publicOrigin);
  idp.nextLogin = { accountId, amr: ["pwd"] };
  const { authorizationUrl } = await (
    await b.post(`/api/v1/auth/sso/${providerId}/start`, returnTo ? { returnTo } : {})
  ).json();
  const res = await b.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
  return { b, location: res.headers.get("Location")! };
}

test("list, unlink after re-authentication; sessions the provider signed in end; the password stays", async () => {
  const me = await signedInUser(t);
  idp.accounts.set("linked-subject-123", { email: "me.at.corp@corp.example", email_verified: true });
  const { authorizationUrl } = await (
    await me.browser.post(`/api/v1/me/sso/${providerId}/link`, { returnTo: "/account/sso" })
  ).json();
  idp.nextLogin = { accountId: "linked-subject-123", amr: ["pwd"] };
  const back = await me.browser.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
  expect(back.headers.get("Location")).toBe(`${t.config.publicOrigin}/account/sso`);

  const listed = await (await me.browser.get("/api/v1/me/sso")).json();
  expect(listed.identities).toHaveLength(1);
  expect(listed.identities[0]).toMatchObject({ providerId, providerName: "Corp IdP" });
  expect(JSON.stringify(listed)).not.toContain("linked-subject-123");
  const { b: viaSso } = await ssoSignIn("linked-subject-123");
  expect((await (await viaSso.get("/api/v1/me")).json()).user.id).toBe(me.user.id);

  // Someone else cannot unlink it (404), and I need a recent sign-in.
  const stranger = await signedInUser(t);
  expect((await stranger.browser.delete(`/api/v1/me/sso/${listed.identities[0].id}`)).status).toBe(404);
  t.clock.advance(5 * 60_000 + 1_000);
  const stale = await me.browser.delete(`/api/v1/me/sso/${listed.identities[0].id}`);
  expect((await stale.json()).code).toBe("REAUTH_REQUIRED");
  await me.browser.post("/api/v1/auth/reauth", { password: me.password });
  expect((await me.browser.delete(`/api/v1/me/sso/${listed.identities[0].id}`)).status).toBe(200);
  expect((await (await me.browser.get("/api/v1/me/sso")).json()).identities).toEqual([]);
  expect((await viaSso.get("/api/v1/me")).status).toBe(401);
  expect((await me.browser.get("/api/v1/me")).status).toBe(200);
});

test("an account that only signs in with this provider cannot unlink it: 409 LAST_SIGN_IN_METHOD", async () => {
  idp.accounts.set("sso-only", { email: "sso.only@corp.example", email_verified: true });
  const { b } = await ssoSignIn("sso-only");
  const { identities } = await (await b.get("/api/v1/me/sso")).json();
  const res = await b.delete(`/api/v1/me/sso/${identities[0].id}`);
  expect(res.status).toBe(409);
  expect((await res.json()).code).toBe("LAST_SIGN_IN_METHOD");
  expect((await (await b.get("/api/v1/me/sso")).json()).identities).toHaveLength(1);
});

test("the callback sends the browser to the UI's sign-in page: errors, and the second factor with where to go next", async () => {
  idp.accounts.set("unverified", { email: "unverified@corp.example", email_verified: false });
  expect((await ssoSignIn("unverified", "/account")).location).toBe(
    `${t.config.publicOrigin}/sign-in#ssoError=not_provisioned`,
  );
  const me = await signedInUser(t);
  await enableTotp(t, me.browser, me.password);
  idp.accounts.set("with-totp", { email: "with.totp@corp.example", email_verified: true });
  const { authorizationUrl } = await (await me.browser.post(`/api/v1/me/sso/${providerId}/link`, {})).json();
  idp.nextLogin = { accountId: "with-totp", amr: ["pwd"] };
  await me.browser.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
  const { location } = await ssoSignIn("with-totp", "/account/sessions");
  expect(location).toMatch(
    new RegExp(`^${t.config.publicOrigin}/sign-in\\?next=%2Faccount%2Fsessions#mfaChallenge=[A-Za-z0-9_-]{40,}$`),
  );
});
