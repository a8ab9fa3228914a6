// T-S9 — Revocation is keyed on the session id, never a token hash: a re-signed token for a revoked
// session is still refused, and the sessions table holds no token.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SignJWT } from "jose";
import { SESSION_AUDIENCE, SESSION_TYP } from "../../src/lib/jwt.ts";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

test("T-S9: a re-signed token for a revoked session is refused (revocation by sid, not token hash)", async () => {
  const { browser, user } = await signedInUser(t);
  const token = browser.cookies.get("loupe_session")!;
  const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
  await browser.post("/api/v1/auth/logout");
  const now = Math.floor(t.clock.now() / 1000);
  const reissued = await new SignJWT({ sid: claims.sid, ver: claims.ver })
    .setProtectedHeader({ alg: "HS256", typ: SESSION_TYP })
    .setSubject(user.id)
    .setJti("a-brand-new-jti")
    .setIssuer(t.config.publicOrigin)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(t.store.keyring.session);
  expect(reissued).not.toBe(token);
  expect((await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${reissued}` } })).status).toBe(401);
  // Code assertion: the sessions table and its store know no token or token hash.
  const sessionsSql = readFileSync(join(import.meta.dir, "..", "..", "src", "store", "sessions.ts"), "utf8");
  expect(sessionsSql).not.toMatch(/token/i);
  const columns = t.store.db.all<{ name: string }>("SELECT name FROM pragma_table_info('sessions')").map((c) => c.name);
  expect(columns.some((c) => /token|hash/.test(c))).toBe(false);
});
