// T-O1 — The callback is bound to the browser and the request: missing, foreign or reused state and
// a mismatched nonce are refused; PKCE is S256 and the verifier really goes to the token endpoint.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type FakeIdp, startFakeIdp } from "../support/fake-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18444" }, { authAttemptsPerMinute: 10_000 });
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

test("control: a correct ID token signs in (so the refusals below are meaningful)", async () => {
  const { b, state, nonce } = await begin();
  fake.nextIdToken = () => fake.sign(fake.validClaims(nonce));
  const out = await finish(b, `code=c1&state=${state}`);
  expect(out.location).toBe(`${t.config.publicOrigin}/`);
  expect(out.signedIn).toBe(true);
});

test("PKCE: S256 only, and the token request carries the verifier whose hash is the challenge", async () => {
  const { b, state, nonce, challenge, method } = await begin();
  expect(method).toBe("S256");
  fake.nextIdToken = () => fake.sign({ ...fake.validClaims(nonce), sub: "pkce-user", email: "pkce@corp.example" });
  await finish(b, `code=c2&state=${state}`);
  const verifier = fake.tokenRequests.at(-1)!.get("code_verifier")!;
  expect(verifier.length).toBeGreaterThanOrEqual(43);
  expect(createHash("sha256").update(verifier).digest("base64url")).toBe(challenge);
  expect(fake.tokenRequests.at(-1)!.get("redirect_uri")).toBe(callback);
});

test("T-O1: missing state, foreign state, reused state, mismatched nonce → refused, no session", async () => {
  const a = await begin();
  fake.nextIdToken = () => fake.sign(fake.validClaims(a.nonce));
  expect((await finish(a.b, "code=x")).location).toContain("#ssoError=invalid_request");

  // Browser B presents browser A's state: its pre-auth cookie does not match.
  const other = await begin();
  const foreign = await finish(other.b, `code=x&state=${a.state}`);
  expect(foreign.location).toContain("#ssoError=invalid_request");
  expect(foreign.signedIn).toBe(false);

  // A's state was consumed by that attempt? No: the lookup failed on the binding, but the state is
  // single-use whatever happens, so A cannot use it either now.
  expect((await finish(a.b, `code=x&state=${a.state}`)).location).toContain("#ssoError=invalid_request");

  const c = await begin();
  fake.nextIdToken = () => fake.sign(fake.validClaims(c.nonce));
  expect((await finish(c.b, `code=x&state=${c.state}`)).signedIn).toBe(true);
  const replay = new Browser(t.app, t.config.publicOrigin);
  replay.cookies.set("loupe_sso", c.b.cookies.get("loupe_sso") ?? "gone");
  expect((await finish(replay, `code=x&state=${c.state}`)).location).toContain("#ssoError=invalid_request");

  const d = await begin();
  fake.nextIdToken = () => fake.sign(fake.validClaims("a-different-nonce-value"));
  const mismatched = await finish(d.b, `code=x&state=${d.state}`);
  expect(mismatched.location).toContain("#ssoError=failed");
  expect(mismatched.signedIn).toBe(false);
});
