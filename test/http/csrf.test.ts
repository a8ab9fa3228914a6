// T-W3 (admin API part) — A state-changing cookie request from another site, without
// X-Requested-With, or as a simple form POST is refused with 403 and changes nothing; GET changes nothing.
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

test("cross-site Origin, missing header or a form POST: 403, and the session is still alive", async () => {
  const { browser } = await signedInUser(t);
  const cookie = browser.cookieHeader();
  const attempts: RequestInit[] = [
    { method: "POST", headers: { Cookie: cookie, Origin: "https://evil.example", "X-Requested-With": "x" } },
    { method: "POST", headers: { Cookie: cookie, Origin: "null", "X-Requested-With": "x" } },
    { method: "POST", headers: { Cookie: cookie, Origin: t.config.publicOrigin } },
    {
      method: "POST",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: "a=b",
    },
    { method: "POST", headers: { Cookie: cookie, "Sec-Fetch-Site": "cross-site", "X-Requested-With": "x" } },
    { method: "POST", headers: { Cookie: cookie, "X-Requested-With": "x" } },
  ];
  for (const init of attempts) {
    const res = await t.app.request(`${t.config.publicOrigin}/api/v1/auth/logout`, init);
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("CSRF_REJECTED");
  }
  expect((await browser.get("/api/v1/me")).status).toBe(200);
  // Same-origin by Sec-Fetch-Site (no Origin) with the header is accepted.
  const ok = await t.app.request(`${t.config.publicOrigin}/api/v1/auth/logout`, {
    method: "POST",
    headers: { Cookie: cookie, "Sec-Fetch-Site": "same-origin", "X-Requested-With": "x" },
  });
  expect(ok.status).toBe(200);
});

test("GET never changes state: a GET to the logout route does not log out", async () => {
  const { browser } = await signedInUser(t);
  const res = await browser.get("/api/v1/auth/logout");
  expect([res.status, res.headers.get("Allow")]).toEqual([405, "POST"]);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
});
