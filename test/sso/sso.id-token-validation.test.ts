// T-O2 — Every forged or invalid ID token (wrong iss, aud, expired, HS256 with the IdP's public key,
// unknown kid, another key, alg none) is refused, and discovery naming another issuer fails.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type FakeIdp, startFakeIdp } from "../support/fake-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18448" }, { authAttemptsPerMinute: 10_000 });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let fake: FakeIdp;
let providerId: string;
let admin: Awaited<ReturnType<typeof signedInUser>>;

beforeAll(async () => {
  fake = await startFakeIdp();
  admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const res = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "Fake",
    preset: "generic",
    issuer: fake.issuer,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    jitEnabled: true,
  });
  providerId = (await res.json()).id;
});
afterAll(() => {
  t.close();
  fake.stop();
});

async function begin(b = new Browser(t.app, t.config.publicOrigin)) {
  const res = await b.post(`/api/v1/auth/sso/${providerId}/start`, {});
  expect(res.status).toBe(200);
  const url = new URL((await res.json()).authorizationUrl);
  return { b, state: url.searchParams.get("state")!, nonce: url.searchParams.get("nonce")!, challenge: url.searchParams.get("code_challenge")!, method: url.searchParams.get("code_challenge_method") };
}

async function finish(b: Browser, query: string) {
  const res = await b.navigateFromOtherSite(`${callback}?${query}`);
  expect(res.status).toBe(302);
  return { location: res.headers.get("Location")!, signedIn: b.cookies.has("loupe_session") };
}

test("T-O2: forged or invalid ID tokens are all refused", async () => {
  const cases: Record<string, (nonce: string) => Promise<string>> = {
    "wrong iss": (n) => fake.sign({ ...fake.validClaims(n), iss: "http://127.0.0.1:1" }),
    "aud is not our client": (n) => fake.sign({ ...fake.validClaims(n), aud: "someone-else" }),
    expired: (n) => fake.sign({ ...fake.validClaims(n), iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
    "HS256 signed with the IdP's public key": (n) => fake.sign(fake.validClaims(n), { key: "public-as-hmac" }),
    "unknown kid": (n) => fake.sign(fake.validClaims(n), { kid: "nope" }),
    "signed by another key": (n) => fake.sign(fake.validClaims(n), { key: "other-rsa" }),
    "alg none": async (n) => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(fake.validClaims(n))).toString("base64url")}.`,
  };
  for (const [name, craft] of Object.entries(cases)) {
    const { b, state, nonce } = await begin();
    fake.nextIdToken = () => craft(nonce);
    const out = await finish(b, `code=x&state=${state}`);
    expect({ name, location: out.location, signedIn: out.signedIn }).toEqual({ name, location: `${t.config.publicOrigin}/login#ssoError=failed`, signedIn: false });
  }
});

test("T-O2: discovery metadata naming another issuer is refused at start", async () => {
  fake.metadataIssuer = "https://evil.example";
  try {
    const res = await admin.browser.put(`/api/v1/instance/sso-providers/${providerId}`, {
      name: "Fake",
      preset: "generic",
      issuer: fake.issuer,
      clientId: fake.clientId,
      jitEnabled: true,
    });
    expect(res.status).toBe(200);
    const start = await new Browser(t.app, t.config.publicOrigin).post(`/api/v1/auth/sso/${providerId}/start`, {});
    expect(start.status).toBe(502);
    expect((await start.json()).code).toBe("SSO_FAILED");
  } finally {
    fake.metadataIssuer = fake.issuer;
  }
});
