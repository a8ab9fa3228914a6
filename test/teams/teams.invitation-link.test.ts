// An invitation link opens the admin UI's invitation page with the token in the fragment (never sent
// to a server, never in a Referer; the page itself says no-referrer); the page learns what the link is
// for from a POST body: team, inviter, address, role, and whether that address has an account. A used,
// revoked or malformed token says so, and nothing else.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let T: string;
let anonymous: Browser;
beforeAll(async () => {
  t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  owner = await signedInUser(t, { email: "owner@example.test" });
  await owner.browser.patch("/api/v1/me", { displayName: "Olga Owner" });
  const team = await (await owner.browser.post("/api/v1/teams", { name: "Acme" })).json();
  T = `/api/v1/teams/${team.id}`;
  anonymous = new Browser(t.app, t.config.publicOrigin);
});
afterAll(() => t.close());

const tokenOf = (url: string) => new URL(url).hash.replace("#token=", "");

test("the link is /invitation#token=…; the page is served with no-referrer and the strict CSP", async () => {
  const { url, emailed } = await (
    await owner.browser.post(`${T}/invitations`, { email: "new@example.test", role: "member" })
  ).json();
  expect(emailed).toBe(false);
  const link = new URL(url);
  expect(link.origin).toBe(t.config.publicOrigin);
  expect(link.pathname).toBe("/invitation");
  expect(link.search).toBe("");
  expect(link.hash).toMatch(/^#token=[A-Za-z0-9_-]{43}$/);
  const page = await anonymous.get("/invitation");
  expect(page.status).toBe(200);
  expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(page.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
});

test("preview: the team, who invited, the address, the role; hasAccount picks register or sign-in", async () => {
  const fresh = await (
    await owner.browser.post(`${T}/invitations`, { email: "Newcomer@Example.test", role: "reporter" })
  ).json();
  const preview = await anonymous.post("/api/v1/invitations/preview", { token: tokenOf(fresh.url) });
  expect(preview.status).toBe(200);
  expect(await preview.json()).toEqual({
    teamName: "Acme",
    invitedBy: "Olga Owner",
    email: "newcomer@example.test",
    role: "reporter",
    expiresAt: new Date(t.clock.now() + 7 * 86_400_000).toISOString(),
    hasAccount: false,
  });
  const existing = await signedInUser(t, { email: "existing@example.test" });
  const invite = await (await owner.browser.post(`${T}/invitations`, { email: existing.email, role: "member" })).json();
  expect(
    (await (await anonymous.post("/api/v1/invitations/preview", { token: tokenOf(invite.url) })).json()).hasAccount,
  ).toBe(true);

  // Registered through the link: the token is spent, and says only that.
  const joined = await anonymous.post("/api/v1/invitations/register", {
    token: tokenOf(fresh.url),
    displayName: "Nia New",
    password: "a-long-enough-passphrase",
  });
  expect(joined.status).toBe(201);
  const spent = await anonymous.post("/api/v1/invitations/preview", { token: tokenOf(fresh.url) });
  expect(spent.status).toBe(400);
  expect((await spent.json()).code).toBe("TOKEN_INVALID");
});

test("revoked, expired, unknown and malformed tokens: 400, the field named; nothing about the team", async () => {
  const invite = await (
    await owner.browser.post(`${T}/invitations`, { email: "gone@example.test", role: "member" })
  ).json();
  expect((await owner.browser.delete(`${T}/invitations/${invite.invitation.id}`)).status).toBe(200);
  const later = await (
    await owner.browser.post(`${T}/invitations`, { email: "late@example.test", role: "member" })
  ).json();
  for (const token of [tokenOf(invite.url), "A".repeat(43)]) {
    const res = await anonymous.post("/api/v1/invitations/preview", { token });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text).code).toBe("TOKEN_INVALID");
    expect(text).not.toContain("Acme");
  }
  t.clock.advance(7 * 86_400_000 + 1);
  expect((await anonymous.post("/api/v1/invitations/preview", { token: tokenOf(later.url) })).status).toBe(400);
  const malformed = await anonymous.post("/api/v1/invitations/preview", { token: "<script>" });
  expect(malformed.status).toBe(400);
  expect((await malformed.json()).errors[0].field).toBe("token");
  expect((await anonymous.post("/api/v1/invitations/preview", { token: "A".repeat(43), extra: 1 })).status).toBe(400);
});
