// T-O4 — No post-login destination leaves the origin: a corpus of ≥ 200 hostile returnTo values
// (scheme-relative, backslashes, encoded, control and Unicode characters, javascript:, data:) all
// resolve to a same-origin path, checked through safeReturnTo and through a real SSO round trip.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { safeReturnTo } from "../../src/lib/redirect.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { createTestApp } from "../support/test-app.ts";

const ORIGIN = "https://feedback.example.eu";

function corpus(): string[] {
  const hosts = ["evil.tld", "evil.tld:443", "feedback.example.eu.evil.tld", "127.0.0.1", "[::1]", "user@evil.tld"];
  const prefixes = [
    "//",
    "/\\",
    "\\\\",
    "\\/",
    "/\\/",
    "///",
    "/%2F",
    "%2F%2F",
    "/%5C",
    "/%252F%252F",
    "https:",
    "https://",
    "http://",
    "https:/",
    "/.//",
    "/a/../\\",
    "/a/..//",
    "\t//",
    " //",
    "/\t/",
    "/\n/",
    "/\r/",
    "\u2028//",
    "／／",
    "/\u3000/",
    "/%09/",
    "/%0d%0a/",
    "%00//",
  ];
  const out: string[] = [];
  for (const p of prefixes) for (const h of hosts) out.push(`${p}${h}`, `${p}${h}/path?x=1`);
  out.push(
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "/javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox",
    "https:evil.tld",
    "http:evil.tld",
    "//evil.tld",
    "/\\evil.tld",
    "\\\\evil.tld",
    "%2F%2Fevil.tld",
    "/%2F/evil.tld",
    "/%5C%5Cevil.tld",
    "\u202e//dlt.live",
    "/\u0000//evil.tld",
    "",
    " ",
    "evil.tld",
    "x".repeat(5000),
  );
  return out;
}

test(`≥ 200 hostile returnTo values: every result is a same-origin path`, () => {
  const cases = corpus();
  expect(cases.length).toBeGreaterThanOrEqual(200);
  for (const value of cases) {
    const result = safeReturnTo(value, ORIGIN);
    const resolved = new URL(result, ORIGIN);
    expect({ value, origin: resolved.origin }).toEqual({ value, origin: ORIGIN });
    expect(result.startsWith("/") && !result.startsWith("//") && !result.includes("\\")).toBe(true);
  }
});

test("ordinary paths survive", () => {
  for (const ok of ["/", "/inbox", "/inbox?view=new&sort=-created", "/items/abc#comments", "/a/b/c"])
    expect(safeReturnTo(ok, ORIGIN)).toBe(ok);
});

const t = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:18446" });
const callback = `${t.config.publicOrigin}/api/v1/auth/sso/callback`;
let idp: Idp;
let providerId: string;
beforeAll(async () => {
  idp = await startIdp(callback);
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const res = await admin.browser.post("/api/v1/instance/sso-providers", {
    name: "R",
    preset: "generic",
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    jitEnabled: true,
  });
  providerId = (await res.json()).id;
  idp.accounts.set("redirect-user", { email: "redirect.user@corp.example", email_verified: true });
});
afterAll(async () => {
  t.close();
  await idp.stop();
});

test("through SSO: hostile returnTo values land on the origin", async () => {
  for (const returnTo of [
    "//evil.tld",
    "/\\evil.tld",
    "https://evil.tld/x",
    "/%2F%2Fevil.tld",
    "javascript:alert(1)",
  ]) {
    const b = new Browser(t.app, t.config.publicOrigin);
    idp.nextLogin = { accountId: "redirect-user", amr: ["pwd"] };
    const { authorizationUrl } = await (await b.post(`/api/v1/auth/sso/${providerId}/start`, { returnTo })).json();
    const res = await b.navigateFromOtherSite(await idp.authorize(authorizationUrl, callback));
    expect(new URL(res.headers.get("Location")!).origin).toBe(t.config.publicOrigin);
  }
});
