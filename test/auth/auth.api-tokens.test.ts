// Personal API tokens: shown once, stored as SHA-256, scoped (read/write), expiring, revocable,
// last-used time; only from the Authorization header, never a query string.
import { afterAll, expect, test } from "bun:test";
import { sha256Hex } from "../../src/lib/crypto.ts";
import { signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

test("shown once, stored hashed, scoped, expiring, revocable", async () => {
  const { browser, password } = await signedInUser(t);
  await browser.post("/api/v1/auth/reauth", { password });
  const created = await (
    await browser.post("/api/v1/me/tokens", { name: "read-only", scope: "read", expiresInDays: 30 })
  ).json();
  const write = await (await browser.post("/api/v1/me/tokens", { name: "writer", scope: "write" })).json();
  expect(created.token).toMatch(/^loupe_pat_[A-Za-z0-9_-]{43}$/);
  const rows = t.store.db.all<{ token_hash: string }>("SELECT token_hash FROM api_tokens");
  expect(rows.map((r) => r.token_hash)).toContain(sha256Hex(created.token));
  expect(JSON.stringify(rows)).not.toContain(created.token);
  const list = await (await browser.get("/api/v1/me/tokens")).json();
  expect(JSON.stringify(list)).not.toContain(created.token);
  expect(list.tokens).toHaveLength(2);

  const anon = new Browser(t.app, t.config.publicOrigin);
  const read = { Authorization: `Bearer ${created.token}` };
  expect((await anon.get("/api/v1/me", read)).status).toBe(200);
  const lastUsed = (await (await browser.get("/api/v1/me/tokens")).json()).tokens.find(
    (x: { id: string }) => x.id === created.apiToken.id,
  ).lastUsedAt;
  expect(lastUsed).not.toBeNull();
  // Scope: read may not write; write may.
  const refused = await anon.request("PATCH", "/api/v1/me", { displayName: "By token" }, read);
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("TOKEN_SCOPE");
  expect(
    (await anon.request("PATCH", "/api/v1/me", { displayName: "By token" }, { Authorization: `Bearer ${write.token}` }))
      .status,
  ).toBe(200);
  // Never from a query string.
  expect((await t.app.request(`/api/v1/me?access_token=${created.token}`)).status).toBe(401);
  expect((await t.app.request(`/api/v1/me?token=${created.token}`)).status).toBe(401);
  // Revocation is immediate.
  expect((await browser.delete(`/api/v1/me/tokens/${write.apiToken.id}`)).status).toBe(200);
  expect((await anon.get("/api/v1/me", { Authorization: `Bearer ${write.token}` })).status).toBe(401);
  // Expiry.
  t.clock.advance(31 * 86_400_000);
  expect((await anon.get("/api/v1/me", read)).status).toBe(401);
  // A malformed bearer is a 401, not a fall-through to the cookie.
  expect((await browser.get("/api/v1/me", { Authorization: "Bearer not a token" })).status).toBe(401);
});

test("a browser-only route refuses every API token as such (TOKEN_NOT_ALLOWED), whatever its scope", async () => {
  const { browser, password } = await signedInUser(t);
  await browser.post("/api/v1/auth/reauth", { password });
  const anon = new Browser(t.app, t.config.publicOrigin);
  for (const scope of ["read", "write"] as const) {
    const { token } = await (await browser.post("/api/v1/me/tokens", { name: scope, scope })).json();
    const bearer = { Authorization: `Bearer ${token}` };
    for (const [method, path, body] of [
      ["POST", "/api/v1/teams", { name: "by token" }],
      ["POST", "/api/v1/me/tokens", { name: "another", scope: "read" }],
      ["GET", "/api/v1/me/sessions", undefined],
    ] as const) {
      const res = await anon.request(method, path, body, bearer);
      expect(`${scope} ${method} ${path} ${res.status} ${(await res.json()).code}`).toBe(
        `${scope} ${method} ${path} 403 TOKEN_NOT_ALLOWED`,
      );
    }
  }
});
