// T-O1 — The callback is bound to the browser and the request: missing, foreign or reused state and
// a mismatched nonce are refused; PKCE is S256 and the verifier really goes to the token endpoint.
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { Browser } from "../support/browser.ts";
import { fakeSsoHarness } from "../support/fake-sso.ts";

const h = fakeSsoHarness("http://localhost:18444");

test("control: a correct ID token signs in (so the refusals below are meaningful)", async () => {
  const { b, state, nonce } = await h.begin();
  h.fake.nextIdToken = () => h.fake.sign(h.fake.validClaims(nonce));
  const out = await h.finish(b, `code=c1&state=${state}`);
  expect(out.location).toBe(`${h.t.config.publicOrigin}/`);
  expect(out.signedIn).toBe(true);
});

test("PKCE: S256 only, and the token request carries the verifier whose hash is the challenge", async () => {
  const { b, state, nonce, challenge, method } = await h.begin();
  expect(method).toBe("S256");
  h.fake.nextIdToken = () =>
    h.fake.sign({ ...h.fake.validClaims(nonce), sub: "pkce-user", email: "pkce@corp.example" });
  await h.finish(b, `code=c2&state=${state}`);
  const verifier = h.fake.tokenRequests.at(-1)!.get("code_verifier")!;
  expect(verifier.length).toBeGreaterThanOrEqual(43);
  expect(createHash("sha256").update(verifier).digest("base64url")).toBe(challenge);
  expect(h.fake.tokenRequests.at(-1)!.get("redirect_uri")).toBe(h.callback);
});

test("T-O1: missing state, foreign state, reused state, mismatched nonce → refused, no session", async () => {
  const a = await h.begin();
  h.fake.nextIdToken = () => h.fake.sign(h.fake.validClaims(a.nonce));
  expect((await h.finish(a.b, "code=x")).location).toContain("#ssoError=invalid_request");

  // Browser B presents browser A's state: its pre-auth cookie does not match.
  const other = await h.begin();
  const foreign = await h.finish(other.b, `code=x&state=${a.state}`);
  expect(foreign.location).toContain("#ssoError=invalid_request");
  expect(foreign.signedIn).toBe(false);

  // A's state was consumed by that attempt? No: the lookup failed on the binding, but the state is
  // single-use whatever happens, so A cannot use it either now.
  expect((await h.finish(a.b, `code=x&state=${a.state}`)).location).toContain("#ssoError=invalid_request");

  const c = await h.begin();
  h.fake.nextIdToken = () => h.fake.sign(h.fake.validClaims(c.nonce));
  expect((await h.finish(c.b, `code=x&state=${c.state}`)).signedIn).toBe(true);
  const replay = new Browser(h.t.app, h.t.config.publicOrigin);
  replay.cookies.set("loupe_sso", c.b.cookies.get("loupe_sso") ?? "gone");
  expect((await h.finish(replay, `code=x&state=${c.state}`)).location).toContain("#ssoError=invalid_request");

  const d = await h.begin();
  h.fake.nextIdToken = () => h.fake.sign(h.fake.validClaims("a-different-nonce-value"));
  const mismatched = await h.finish(d.b, `code=x&state=${d.state}`);
  expect(mismatched.location).toContain("#ssoError=failed");
  expect(mismatched.signedIn).toBe(false);
});
