// T-S1 — Every malformed, forged or out-of-policy session token is refused with 401 (never 500):
// alg none, algorithm swaps, wrong key, wrong iss/aud/typ, missing claims, expired, not yet valid,
// too old, header injection (kid/jku/jwk/x5u), non-canonical encoding, duplicate keys, 100 KB.
import { afterAll, expect, test } from "bun:test";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { SESSION_AUDIENCE, SESSION_TYP } from "../../src/lib/jwt.ts";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

test("the negative JWT suite: 100 % → 401, 0 → 500", async () => {
  const { browser, user } = await signedInUser(t);
  const good = browser.cookies.get("loupe_session")!;
  const [, payloadPart] = good.split(".");
  const claims = JSON.parse(Buffer.from(payloadPart!, "base64url").toString());
  const key = t.store.keyring.session;
  const now = Math.floor(t.clock.now() / 1000);
  const base = {
    sid: claims.sid,
    ver: claims.ver,
    sub: user.id,
    jti: "j-" + now,
    iat: now,
    exp: now + 600,
    iss: t.config.publicOrigin,
    aud: SESSION_AUDIENCE,
  };
  const sign = (
    payload: Record<string, unknown>,
    header: Record<string, unknown> = {},
    alg = "HS256",
    k: unknown = key,
  ) => new SignJWT(payload).setProtectedHeader({ alg, typ: SESSION_TYP, ...header }).sign(k as Uint8Array);
  const without = (name: string) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== name));
  const rsa = await generateKeyPair("RS256");
  const ed = await generateKeyPair("EdDSA");

  const cases: Record<string, string> = {
    "alg none": `${b64({ alg: "none", typ: SESSION_TYP })}.${b64(base)}.`,
    "HS512 with the same key": await sign(base, {}, "HS512"),
    "RS256 (HS↔RS swap)": await sign(base, {}, "RS256", rsa.privateKey),
    EdDSA: await sign(base, {}, "EdDSA", ed.privateKey),
    "wrong key": await sign(base, {}, "HS256", new Uint8Array(32).fill(7)),
    "wrong iss": await sign({ ...base, iss: "https://evil.example" }),
    "wrong aud": await sign({ ...base, aud: "widget" }),
    "wrong typ": await new SignJWT(base).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key),
    "missing exp": await sign(without("exp")),
    "missing iat": await sign(without("iat")),
    "missing sid": await sign(without("sid")),
    "missing jti": await sign(without("jti")),
    "exp in the past": await sign({ ...base, iat: now - 7200, exp: now - 3600 }),
    "nbf in the future": await sign({ ...base, nbf: now + 3600 }),
    "iat older than the absolute lifetime": await sign({ ...base, iat: now - 13 * 3600, exp: now + 600 }),
    "kid header": await sign(base, { kid: "../../etc/passwd" }),
    "jku header": await sign(base, { jku: "https://evil.example/jwks" }),
    "jwk header": await sign(base, { jwk: await exportJWK(rsa.publicKey) }),
    "x5u header": await sign(base, { x5u: "https://evil.example/cert" }),
    "non-canonical base64 (padding)": good.replace(/\.([^.]+)$/, ".$1=="),
    "non-canonical base64 (standard alphabet)":
      good.replace(/-/g, "+").replace(/_/g, "/") + (good.includes("-") || good.includes("_") ? "" : "+"),
    "duplicate JSON keys": (() => {
      const header = b64({ alg: "HS256", typ: SESSION_TYP });
      const body = Buffer.from(
        `{"sub":"${user.id}","sub":"someone-else","sid":"${claims.sid}","ver":${claims.ver},"jti":"x","iat":${now},"exp":${now + 600},"iss":"${t.config.publicOrigin}","aud":"${SESSION_AUDIENCE}"}`,
      ).toString("base64url");
      return `${header}.${body}.${b64("sig")}`;
    })(),
    "100 KB token": "a".repeat(100 * 1024),
    garbage: "not.a.jwt",
    "sid of nobody": await sign({ ...base, sid: "nonexistent-session-id-000" }),
    "stale security version": await sign({ ...base, ver: claims.ver + 1 }),
    "another user's sub": await sign({ ...base, sub: "someone-else-entirely" }),
  };
  const results: Record<string, number> = {};
  for (const [name, token] of Object.entries(cases)) {
    const res = await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${token}` } });
    results[name] = res.status;
  }
  expect(Object.entries(results).filter(([, s]) => s !== 401)).toEqual([]);
  expect(Object.keys(results).length).toBeGreaterThanOrEqual(25);
  // The real token still works (the suite refused the forgeries, not everything).
  expect((await t.app.request("/api/v1/me", { headers: { Cookie: `loupe_session=${good}` } })).status).toBe(200);
});
