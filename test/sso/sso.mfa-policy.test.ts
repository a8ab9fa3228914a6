// T-O5 / T-AU9 (SSO path) — For a user with local MFA, an SSO sign-in still asks for the local
// second factor unless the IdP attests MFA (`amr`) and the provider is trusted to; the challenge
// then needs a real code.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18447" }, { authAttemptsPerMinute: 10_000 });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let idp: Idp;
let admin: Awaited<ReturnType<typeof signedInUser>>;
let providerId: string;
let user: Awaited<ReturnType<typeof signedInUser>>;
let secret: string;

beforeAll(async () => {
  idp = await startIdp(callback);
  admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  providerId = (
    await (
      await admin.browser.post("/api/v1/instance/sso-providers", {
        name: "M",
        preset: "generic",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
      })
    ).json()
  ).id;
  user = await signedInUser(t);
  ({ secret } = await enableTotp(t, user.browser, user.password));
  idp.accounts.set("mfa-user", { email: "mfa.user.idp@corp.example", email_verified: true });
  // Link the identity on purpose, from the user's own session.
  await user.browser.post("/api/v1/auth/reauth", { code: totpCode(secret, t.clock.now()) });
  t.clock.advance(30_000);
  const { authorizationUrl } = await (await user.browser.post(`/api/v1/me/sso/${providerId}/link`, {})).json();
  idp.nextLogin = { accountId: "mfa-user", amr: ["pwd"] };
  await user.browser.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
});
afterAll(async () => {
  t.close();
  await idp.stop();
});

async function sso(amr: string[]) {
  const b = new Browser(t.app, t.config.publicOrigin);
  idp.nextLogin = { accountId: "mfa-user", amr };
  const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${providerId}/start`, {})).json();
  const res = await b.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
  return { b, location: res.headers.get("Location")! };
}

async function setTrust(trustIdpMfa: boolean) {
  const res = await admin.browser.put(`/api/v1/instance/sso-providers/${providerId}`, {
    name: "M",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    trustIdpMfa,
  });
  expect(res.status).toBe(200);
}

test("IdP without MFA: the local second factor is required, and then signs in", async () => {
  await setTrust(true);
  const { b, location } = await sso(["pwd"]);
  expect(b.cookies.has("loupe_session")).toBe(false);
  const challenge = location.split("#mfaChallenge=")[1]!;
  expect(challenge).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  expect(
    (
      await b.post("/api/v1/auth/mfa", {
        challenge,
        code: "000000" === totpCode(secret, t.clock.now()) ? "111111" : "000000",
      })
    ).status,
  ).toBe(401);
  expect((await b.post("/api/v1/auth/mfa", { challenge, code: totpCode(secret, t.clock.now()) })).status).toBe(200);
  t.clock.advance(30_000);
  expect((await (await b.get("/api/v1/me")).json()).user.id).toBe(user.user.id);
});

test("IdP attests MFA but the provider is not trusted to: still the local second factor", async () => {
  await setTrust(false);
  const { b, location } = await sso(["pwd", "otp", "mfa"]);
  expect(location).toContain("#mfaChallenge=");
  expect(b.cookies.has("loupe_session")).toBe(false);
});

test("IdP attests MFA and the provider is trusted: signed in without the local code", async () => {
  await setTrust(true);
  const { b, location } = await sso(["pwd", "otp"]);
  expect(location).toBe(`${t.config.publicOrigin}/`);
  const me = await (await b.get("/api/v1/me")).json();
  expect(me.session.method).toBe("sso+idp_mfa");
});
