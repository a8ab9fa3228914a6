// T-S7 — Every Set-Cookie with an https public URL: `__Host-` name, Secure, HttpOnly, SameSite set,
// Path=/, no Domain; plain http drops only the prefix and Secure. Tokens never appear in a URL or a log.
import { afterAll, expect, test } from "bun:test";
import { createUser } from "../../src/services/accounts/users.ts";
import { GOOD_PASSWORD, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const https = createTestApp({ LOUPE_PUBLIC_URL: "https://feedback.example.eu" });
const http = createTestApp();
afterAll(() => {
  https.close();
  http.close();
});

function check(setCookie: string, secure: boolean) {
  const [pair, ...attrs] = setCookie.split(";").map((s) => s.trim());
  const lower = attrs.map((a) => a.toLowerCase());
  expect(pair!.startsWith(secure ? "__Host-" : "loupe_")).toBe(true);
  expect(lower).toContain("httponly");
  expect(lower).toContain("path=/");
  expect(lower.some((a) => a.startsWith("samesite="))).toBe(true);
  expect(lower.some((a) => a.startsWith("domain="))).toBe(false);
  expect(lower.includes("secure")).toBe(secure);
}

for (const [name, t, secure] of [
  ["https", https, true],
  ["http", http, false],
] as const) {
  test(`${name}: session and device cookies carry the right attributes`, async () => {
    const email = uniqueEmail();
    await createUser(t.ctx, { email, displayName: "C", password: GOOD_PASSWORD, isInstanceAdmin: false });
    const b = new Browser(t.app, t.config.publicOrigin);
    const res = await b.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD });
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    expect(cookies.length).toBe(2);
    for (const c of cookies) check(c, secure);
    const session = cookies.find((c) => c.includes("loupe_session="))!;
    expect(session).toContain("SameSite=Strict");
    // Logout clears it with the same attributes.
    const out = await b.post("/api/v1/auth/logout");
    for (const c of out.headers.getSetCookie()) check(c, secure);
    // No token or session id in any log line.
    const token = session.split(";")[0]!.split("=")[1]!;
    const sid = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).sid;
    const logs = t.logs.text();
    expect(logs).not.toContain(token);
    expect(logs).not.toContain("eyJ");
    expect(logs).not.toContain(sid);
  });
}
