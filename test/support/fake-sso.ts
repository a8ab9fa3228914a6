import { afterAll, beforeAll, expect } from "bun:test";
import { enableTotp, signedInUser } from "./accounts.ts";
import { Browser } from "./browser.ts";
import { type FakeIdp, startFakeIdp } from "./fake-idp.ts";
import { createTestApp } from "./test-app.ts";

/**
 * A test app with one SSO provider pointing at the stand-in IdP (registered in beforeAll, stopped in
 * afterAll), and the two halves of a sign-in: `begin` (Loupe's start, returning state, nonce and
 * PKCE challenge) and `finish` (the IdP's redirect back, as a cross-site navigation).
 */
export function fakeSsoHarness(publicUrl: string) {
  const t = createTestApp({ LOUPE_PUBLIC_URL: publicUrl }, { authAttemptsPerMinute: 10_000 });
  const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
  const h = {
    t,
    callback,
    fake: undefined as unknown as FakeIdp,
    providerId: "",
    admin: undefined as unknown as Awaited<ReturnType<typeof signedInUser>>,
    async begin(b = new Browser(t.app, t.config.publicOrigin)) {
      const res = await b.post(`/api/v1/auth/sso/${h.providerId}/start`, {});
      expect(res.status).toBe(200);
      const url = new URL((await res.json()).authorizationUrl);
      const p = url.searchParams;
      return {
        b,
        state: p.get("state")!,
        nonce: p.get("nonce")!,
        challenge: p.get("code_challenge")!,
        method: p.get("code_challenge_method"),
      };
    },
    async finish(b: Browser, query: string) {
      const res = await b.navigateFromOtherSite(`${callback}?${query}`);
      expect(res.status).toBe(302);
      return { location: res.headers.get("Location")!, signedIn: b.cookies.has("loupe_session") };
    },
  };
  beforeAll(async () => {
    h.fake = await startFakeIdp();
    h.admin = await signedInUser(t, { admin: true });
    await enableTotp(t, h.admin.browser, h.admin.password);
    const res = await h.admin.browser.post("/api/v1/instance/sso-providers", {
      name: "Fake",
      preset: "generic",
      issuer: h.fake.issuer,
      clientId: h.fake.clientId,
      clientSecret: h.fake.clientSecret,
      jitEnabled: true,
    });
    h.providerId = (await res.json()).id;
  });
  afterAll(() => {
    t.close();
    h.fake.stop();
  });
  return h;
}
