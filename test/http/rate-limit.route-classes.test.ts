// Invariant (issue 11 "one request-rate limiter", T-AU3's per-IP part, T-H3): every API route counts
// against exactly one route class (plus API tokens before they are checked); each class refuses with
// 429 problem+json, Retry-After and the RateLimit fields once its bucket is empty, independently of the
// other classes and keys; account-keyed classes do not reset when the address changes; a forged
// X-Forwarded-For from an untrusted peer does not change the key.
import { afterEach, expect, test } from "bun:test";
import { declaredRateLimitClasses } from "../../src/http/rate-limit.ts";
import { signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const LIMIT = 3;
/** At 3 a minute one request comes back every 20 s; an empty bucket is full again after 60 s. */
const RETRY_AFTER = "20";

function expectRefused(res: Response, cls: string) {
  expect(res.status).toBe(429);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  expect(res.headers.get("Retry-After")).toBe(RETRY_AFTER);
  expect(res.headers.get("RateLimit-Policy")).toBe(`"${cls}";q=${LIMIT};w=60`);
  expect(res.headers.get("RateLimit")).toBe(`"${cls}";r=0;t=60`);
}

async function expectRefusedCode(res: Response, cls: string) {
  expectRefused(res, cls);
  expect((await res.json()).code).toBe("TOO_MANY_ATTEMPTS");
}

/** LIMIT requests pass (whatever they answer) and say how many are left; the next is refused. */
async function exhaust(cls: string, send: () => Promise<Response>) {
  for (let i = 0; i < LIMIT; i++) {
    const res = await send();
    expect(`${cls} ${i}: ${res.status === 429 ? "refused" : "passed"}`).toBe(`${cls} ${i}: passed`);
    expect(res.headers.get("RateLimit-Policy")).toContain(`"${cls}";q=${LIMIT};w=60`);
    expect(res.headers.get("RateLimit")).toContain(`"${cls}";r=${LIMIT - 1 - i};`);
  }
  await expectRefusedCode(await send(), cls);
}

test("per-address classes: each refuses after its own limit, with its own bucket, per address", async () => {
  t = createTestApp({
    LOUPE_RATE_LIMIT_API_ANONYMOUS: String(LIMIT),
    LOUPE_RATE_LIMIT_SIGN_IN: String(LIMIT),
    LOUPE_RATE_LIMIT_MFA: String(LIMIT),
    LOUPE_RATE_LIMIT_PASSWORD_RESET: String(LIMIT),
    LOUPE_RATE_LIMIT_INVITATIONS: String(LIMIT),
    LOUPE_RATE_LIMIT_API_TOKENS: String(LIMIT),
  });
  const requests: [string, (b: Browser) => Promise<Response>][] = [
    ["api-anonymous", (b) => b.get("/api/v1/me")],
    ["sign-in", (b) => b.post("/api/v1/auth/login", { email: "nobody@example.test", password: "wrong-password-1" })],
    ["mfa", (b) => b.post("/api/v1/auth/mfa", { challenge: "x".repeat(43), code: "123456" })],
    ["password-reset", (b) => b.post("/api/v1/auth/password-reset/request", { email: "nobody@example.test" })],
    ["invitations", (b) => b.post("/api/v1/invitations/preview", { token: "x".repeat(43) })],
    ["api-tokens", (b) => b.get("/api/v1/me", { Authorization: `Bearer loupe_pat_${"x".repeat(43)}` })],
  ];
  // One address goes through every class in turn: each starts full although the ones before are empty.
  const client = new Browser(t.app, t.config.publicOrigin, "203.0.113.5");
  for (const [cls, send] of requests) await exhaust(cls, () => send(client));
  // Another address (and another IPv6 /64) is untouched; the same /64 is the same client.
  for (const [cls, send] of requests) {
    const other = await send(new Browser(t.app, t.config.publicOrigin, "2001:db8:1:2::7"));
    expect(`${cls} ${other.status === 429 ? "refused" : "passed"}`).toBe(`${cls} passed`);
  }
  for (const [cls, send] of requests.slice(0, 2)) {
    for (let i = 1; i < LIMIT; i++) await send(new Browser(t.app, t.config.publicOrigin, `2001:db8:1:2::${i}`));
    expectRefused(await send(new Browser(t.app, t.config.publicOrigin, "2001:db8:1:2:ffff::1")), cls);
  }
  // The injected clock refills: 20 s later one request of each class passes again.
  t.clock.advance(20_000);
  for (const [cls, send] of requests) {
    const res = await send(client);
    expect(`${cls} ${res.status === 429 ? "refused" : "passed"}`).toBe(`${cls} passed`);
  }
});

test("the rest of the API, signed in: per account — a new address does not reset it, another account is not touched", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_API: String(LIMIT) });
  const alice = await signedInUser(t);
  const bob = await signedInUser(t);
  await exhaust("api", () => alice.browser.get("/api/v1/me"));
  // The same session from elsewhere, and a second session of the same account: still refused.
  const moved = alice.browser.copyFor(t.app);
  moved.ip = "192.0.2.200";
  expectRefused(await moved.get("/api/v1/me"), "api");
  const second = new Browser(t.app, t.config.publicOrigin, "192.0.2.201");
  expect((await second.post("/api/v1/auth/login", { email: alice.email, password: alice.password })).status).toBe(200);
  expectRefused(await second.get("/api/v1/teams"), "api");
  // Bob, at alice's address, has his own bucket; so has the anonymous class at that address.
  const res = await bob.browser.get("/api/v1/me");
  expect(res.status).toBe(200);
  expect(res.headers.get("RateLimit")).toBe(`"api";r=${LIMIT - 1};t=20`);
  expect((await new Browser(t.app, t.config.publicOrigin).get("/api/v1/me")).status).toBe(401);
});

test("API tokens: per address before the token is looked up, and then per account like every signed-in request", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_API_TOKENS: String(LIMIT), LOUPE_RATE_LIMIT_API: "5" });
  const owner = await signedInUser(t);
  const created = await (await owner.browser.post("/api/v1/me/tokens", { name: "ci", scope: "read" })).json();
  const bearer = { Authorization: `Bearer ${created.token}` };
  const script = new Browser(t.app, t.config.publicOrigin, "203.0.113.40");
  for (let i = 0; i < LIMIT; i++) {
    const res = await script.get("/api/v1/me", bearer);
    expect(res.status).toBe(200);
    // Both policies apply and both are reported, as one list each.
    expect(res.headers.get("RateLimit-Policy")).toBe(`"api";q=5;w=60, "api-tokens";q=${LIMIT};w=60`);
  }
  expectRefused(await script.get("/api/v1/me", bearer), "api-tokens");
  // From another address the token passes the per-address class, but the account's bucket
  // (1 token creation + 3 reads of 5) has one left.
  const elsewhere = new Browser(t.app, t.config.publicOrigin, "203.0.113.41");
  expect((await elsewhere.get("/api/v1/me", bearer)).status).toBe(200);
  const refused = await elsewhere.get("/api/v1/me", bearer);
  expect(refused.status).toBe(429);
  // The refusing class first; the per-address class it passed is reported beside it.
  expect(refused.headers.get("RateLimit-Policy")).toBe(`"api";q=5;w=60, "api-tokens";q=${LIMIT};w=60`);
  expect(refused.headers.get("RateLimit")).toStartWith('"api";r=0;t=60, "api-tokens";r=');
});

test("live-update streams: opening them is limited per account, across sessions and addresses", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_EVENTS: String(LIMIT) });
  const alice = await signedInUser(t);
  const opened: Response[] = [];
  for (let i = 0; i < LIMIT; i++) {
    const b = new Browser(t.app, t.config.publicOrigin, `192.0.2.${10 + i}`);
    expect((await b.post("/api/v1/auth/login", { email: alice.email, password: alice.password })).status).toBe(200);
    const res = await b.get("/api/v1/events");
    expect(res.status).toBe(200);
    expect(res.headers.get("RateLimit")).toBe(`"events";r=${LIMIT - 1 - i};t=${20 * (i + 1)}`);
    opened.push(res);
  }
  // A fresh session (its own stream slots free) at a fresh address: the account's bucket is empty.
  const fresh = new Browser(t.app, t.config.publicOrigin, "192.0.2.99");
  expect((await fresh.post("/api/v1/auth/login", { email: alice.email, password: alice.password })).status).toBe(200);
  await expectRefusedCode(await fresh.get("/api/v1/events"), "events");
  // Another account opens its stream.
  const bob = await signedInUser(t);
  const bobs = await bob.browser.get("/api/v1/events");
  expect(bobs.status).toBe(200);
  for (const res of [...opened, bobs]) await res.body?.cancel();
});

test("widget config: per address and widget key, and the 429 is readable by the widget (CORS)", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_WIDGET_CONFIG: String(LIMIT) });
  const a = await seedTeam(t, "alpha");
  const b = await seedTeam(t, "beta");
  const ORIGIN = "https://alpha.example.test";
  await b.owner.browser.patch(`/api/v1/teams/${b.team.id}/projects/${b.project.id}`, {
    settings: { allowedOrigins: [ORIGIN] },
  });
  const config = async (key: string, ip = "203.0.113.9") =>
    t!.app.request(`http://loupe.test/api/v1/widget/${key}/config`, { headers: { Origin: ORIGIN } }, { clientIp: ip });
  await exhaust("widget-config", () => config(a.project.widgetKey));
  const refused = await config(a.project.widgetKey);
  expect(refused.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  expect(refused.headers.get("Access-Control-Expose-Headers")).toContain("RateLimit");
  expect((await config(a.project.widgetKey, "203.0.113.10")).status).toBe(200);
  const otherKey = await config(b.project.widgetKey);
  expect(otherKey.status).toBe(200);
});

test("widget routes: a refused key or origin costs a database read, so it counts per address (api-anonymous) before any project is known", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_API_ANONYMOUS: String(LIMIT) });
  const a = await seedTeam(t, "alpha");
  const ORIGIN = "https://alpha.example.test";
  await a.owner.browser.patch(`/api/v1/teams/${a.team.id}/projects/${a.project.id}`, {
    settings: { allowedOrigins: [ORIGIN] },
  });
  const ask = (key: string, origin: string, ip = "203.0.113.9") =>
    t!.app.request(`http://loupe.test/api/v1/widget/${key}/config`, { headers: { Origin: origin } }, { clientIp: ip });
  // Unknown (well-formed) keys and a foreign origin: refused, and each refusal is counted.
  const guesses = [
    await ask("lpk_AAAAAAAAAAAAAAAAAAAAAA", ORIGIN),
    await ask("lpk_BBBBBBBBBBBBBBBBBBBBBB", ORIGIN),
    await ask(a.project.widgetKey, "https://evil.example"),
  ];
  expect(guesses.map((r) => r.status)).toEqual([404, 404, 403]);
  await expectRefusedCode(await ask("lpk_CCCCCCCCCCCCCCCCCCCCCC", ORIGIN), "api-anonymous");
  // The allowed origin with the real key is not refused, so it is not charged here (its own class applies).
  expect((await ask(a.project.widgetKey, ORIGIN)).status).toBe(200);
  // Another address has its own bucket.
  expect((await ask("lpk_DDDDDDDDDDDDDDDDDDDDDD", ORIGIN, "203.0.113.10")).status).toBe(404);
});

test("T-H3: a forged X-Forwarded-For from an untrusted peer does not change the key; from the trusted proxy it does", async () => {
  t = createTestApp({ LOUPE_RATE_LIMIT_API_ANONYMOUS: String(LIMIT), LOUPE_TRUSTED_PROXIES: "10.0.0.1" });
  const spoofer = new Browser(t.app, t.config.publicOrigin, "198.51.100.7");
  const forged = (i: number) => ({ "X-Forwarded-For": `203.0.113.${i}`, Forwarded: `for=192.0.2.${i}` });
  for (let i = 0; i < LIMIT; i++) expect((await spoofer.get("/api/v1/me", forged(i))).status).toBe(401);
  expectRefused(await spoofer.get("/api/v1/me", forged(LIMIT)), "api-anonymous");
  // Through the trusted proxy, the forwarded client is the key: two clients, two buckets.
  const proxy = new Browser(t.app, t.config.publicOrigin, "10.0.0.1");
  for (let i = 0; i < LIMIT; i++)
    expect((await proxy.get("/api/v1/me", { "X-Forwarded-For": "203.0.113.50" })).status).toBe(401);
  expectRefused(await proxy.get("/api/v1/me", { "X-Forwarded-For": "203.0.113.50" }), "api-anonymous");
  expect((await proxy.get("/api/v1/me", { "X-Forwarded-For": "203.0.113.51" })).status).toBe(401);
});

test("inventory: the routes with a class of their own; every other API route counts against api / api-anonymous", () => {
  t = createTestApp();
  const declared = Object.fromEntries(
    [...declaredRateLimitClasses(t.app.routes)].map(([route, cls]) => [route, cls] as const),
  );
  expect(declared).toEqual({
    "POST /api/v1/setup": ["sign-in"],
    "POST /api/v1/auth/login": ["sign-in"],
    "POST /api/v1/auth/mfa": ["mfa"],
    "POST /api/v1/auth/reauth": ["sign-in"],
    "POST /api/v1/auth/password-reset/request": ["password-reset"],
    "POST /api/v1/auth/password-reset/complete": ["password-reset"],
    "POST /api/v1/auth/sso/:providerId/start": ["sign-in"],
    "GET /api/v1/events": ["events"],
    "POST /api/v1/invitations/preview": ["invitations"],
    "POST /api/v1/invitations/register": ["invitations"],
    "GET /api/v1/widget/:widgetKey/config": ["widget-config"],
    "OPTIONS /api/v1/widget/:widgetKey/feedback": ["widget-config"],
    "POST /api/v1/widget/:widgetKey/feedback": ["widget-submission", "widget-key"],
  });
});
