// T-O2 — Every forged or invalid ID token (wrong iss, aud, expired, HS256 with the IdP's public key,
// unknown kid, another key, alg none) is refused, and discovery naming another issuer fails.
import { expect, test } from "bun:test";
import { Browser } from "../support/browser.ts";
import { fakeSsoHarness } from "../support/fake-sso.ts";

const h = fakeSsoHarness("http://localhost:18448");

test("T-O2: forged or invalid ID tokens are all refused", async () => {
  const cases: Record<string, (nonce: string) => Promise<string>> = {
    "wrong iss": (n) => h.fake.sign({ ...h.fake.validClaims(n), iss: "http://127.0.0.1:1" }),
    "aud is not our client": (n) => h.fake.sign({ ...h.fake.validClaims(n), aud: "someone-else" }),
    expired: (n) =>
      h.fake.sign({
        ...h.fake.validClaims(n),
        iat: Math.floor(Date.now() / 1000) - 7200,
        exp: Math.floor(Date.now() / 1000) - 3600,
      }),
    "HS256 signed with the IdP's public key": (n) => h.fake.sign(h.fake.validClaims(n), { key: "public-as-hmac" }),
    "unknown kid": (n) => h.fake.sign(h.fake.validClaims(n), { kid: "nope" }),
    "signed by another key": (n) => h.fake.sign(h.fake.validClaims(n), { key: "other-rsa" }),
    "alg none": async (n) =>
      `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify(h.fake.validClaims(n))).toString("base64url")}.`,
  };
  for (const [name, craft] of Object.entries(cases)) {
    const { b, state, nonce } = await h.begin();
    h.fake.nextIdToken = () => craft(nonce);
    const out = await h.finish(b, `code=x&state=${state}`);
    expect({ name, location: out.location, signedIn: out.signedIn }).toEqual({
      name,
      location: `${h.t.config.publicOrigin}/sign-in#ssoError=failed`,
      signedIn: false,
    });
  }
});

test("T-O2: discovery metadata naming another issuer is refused at start", async () => {
  h.fake.metadataIssuer = "https://evil.example";
  try {
    const res = await h.admin.browser.put(`/api/v1/instance/sso-providers/${h.providerId}`, {
      name: "Fake",
      preset: "generic",
      issuer: h.fake.issuer,
      clientId: h.fake.clientId,
      jitEnabled: true,
    });
    expect(res.status).toBe(200);
    const start = await new Browser(h.t.app, h.t.config.publicOrigin).post(
      `/api/v1/auth/sso/${h.providerId}/start`,
      {},
    );
    expect(start.status).toBe(502);
    expect((await start.json()).code).toBe("SSO_FAILED");
  } finally {
    h.fake.metadataIssuer = h.fake.issuer;
  }
});
