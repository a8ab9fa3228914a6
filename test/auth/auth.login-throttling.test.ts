// T-AU3 — At most 100 password verifications per account per hour for browsers without the
// account's device cookie (429 with Retry-After after that, plus short back-off); the owner's known
// browser is throttled on its own and still signs in; the per-IP limiter answers 429; it all expires.
// (These count verifications, so they hash with cheap argon2 parameters; auth.password-hash tests the real ones.)
import { afterEach, expect, test } from "bun:test";
import type { PasswordHasher } from "../../src/lib/password.ts";
import { throttleKey } from "../../src/services/accounts/throttle.ts";
import { createUser } from "../../src/services/accounts/users.ts";
import { GOOD_PASSWORD, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function countingHasher(): PasswordHasher & { verifications: number } {
  const real = fastPasswords();
  const counter = {
    verifications: 0,
    hash: real.hash,
    needsRehash: real.needsRehash,
    verify: async (h: string, p: string) => {
      counter.verifications++;
      return real.verify(h, p);
    },
  };
  return counter;
}

test("150 wrong passwords from rotating IPs: ≤ 100 verified, then 429; the owner's known browser still signs in", async () => {
  const hasher = countingHasher();
  t = createTestApp({}, { passwords: hasher, authAttemptsPerMinute: 10_000 });
  const email = uniqueEmail("victim");
  await createUser(t.ctx, { email, displayName: "Victim", password: GOOD_PASSWORD, isInstanceAdmin: false });

  // The owner signed in from this browser before: it holds the account's device cookie.
  const owner = new Browser(t.app, t.config.publicOrigin, "192.0.2.1");
  expect((await owner.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(200);
  expect([...owner.cookies.keys()]).toContain("loupe_device");
  await owner.post("/api/v1/auth/logout");
  hasher.verifications = 0;

  const attacker = new Browser(t.app, t.config.publicOrigin);
  const statuses: number[] = [];
  for (let i = 0; i < 150; i++) {
    attacker.ip = `203.0.113.${i % 250}`;
    const res = await attacker.post("/api/v1/auth/login", { email, password: `wrong-password-${i}` });
    statuses.push(res.status);
    if (res.status === 429) {
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
      const body = await res.json();
      expect(body.code).toBe("TOO_MANY_ATTEMPTS");
    }
  }
  expect(hasher.verifications).toBeLessThanOrEqual(100);
  expect(statuses.filter((s) => s === 401).length).toBe(hasher.verifications);
  expect(statuses.filter((s) => s === 429).length).toBe(150 - hasher.verifications);

  // The right password from an unknown browser is refused while the account is throttled...
  const stranger = new Browser(t.app, t.config.publicOrigin, "198.51.100.99");
  expect((await stranger.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(429);
  // ...but the owner's known browser signs in.
  expect((await owner.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(200);

  // The lockout expires.
  t.clock.advance(3600_000);
  expect((await stranger.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(200);
});

/** A test app (no per-IP limit) whose password hasher records the clock time of each verification. */
function appRecordingVerifications(): { app: TestContext; times: number[] } {
  const times: number[] = [];
  const real = fastPasswords();
  const app: TestContext = createTestApp(
    {},
    {
      authAttemptsPerMinute: 1_000_000,
      passwords: {
        ...real,
        verify: async (h, p) => {
          times.push(app.clock.now());
          return real.verify(h, p);
        },
      },
    },
  );
  return { app, times };
}

test("a patient attacker who waits out every back-off for 3 hours gets ≤ 100 verifications in any hour", async () => {
  const recording = appRecordingVerifications();
  t = recording.app;
  const times = recording.times;
  const email = uniqueEmail("patient");
  await createUser(t.ctx, { email, displayName: "P", password: GOOD_PASSWORD, isInstanceAdmin: false });
  const attacker = new Browser(t.app, t.config.publicOrigin);
  const end = t.clock.now() + 3 * 3600_000;
  while (t.clock.now() < end) {
    const res = await attacker.post("/api/v1/auth/login", { email, password: "wrong-password-again" });
    if (res.status === 429) t.clock.advance(Number(res.headers.get("Retry-After")) * 1000);
    else expect(res.status).toBe(401);
  }
  let worst = 0;
  for (let i = 0; i < times.length; i++)
    worst = Math.max(worst, times.filter((x) => x >= times[i]! && x < times[i]! + 3600_000).length);
  expect(times.length).toBeGreaterThan(100);
  expect(worst).toBeLessThanOrEqual(100);
});

test("short exponential back-off after 5 consecutive failures", async () => {
  t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 10_000 });
  const email = uniqueEmail();
  await createUser(t.ctx, { email, displayName: "B", password: GOOD_PASSWORD, isInstanceAdmin: false });
  const b = new Browser(t.app, t.config.publicOrigin);
  for (let i = 0; i < 5; i++)
    expect((await b.post("/api/v1/auth/login", { email, password: "nope-nope-nope" })).status).toBe(401);
  const blocked = await b.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD });
  expect(blocked.status).toBe(429);
  expect(blocked.headers.get("Retry-After")).toBe("1");
  t.clock.advance(1000);
  expect((await b.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(200);
});

test("1000 attempts from one IP across many accounts: the per-IP limiter answers 429", async () => {
  t = createTestApp({}, { passwords: fastPasswords() });
  const b = new Browser(t.app, t.config.publicOrigin, "203.0.113.200");
  const statuses = new Map<number, number>();
  for (let i = 0; i < 1000; i++) {
    const res = await b.post("/api/v1/auth/login", { email: `nobody${i}@example.test`, password: "whatever-password" });
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (i === 999) expect(res.headers.get("Retry-After")).not.toBeNull();
  }
  expect(statuses.get(401)).toBe(30);
  expect(statuses.get(429)).toBe(970);
  // Another IP is not affected.
  const other = new Browser(t.app, t.config.publicOrigin, "203.0.113.201");
  expect(
    (await other.post("/api/v1/auth/login", { email: "x@example.test", password: "whatever-password" })).status,
  ).toBe(401);
  // The bucket refills.
  t.clock.advance(60_000);
  expect((await b.post("/api/v1/auth/login", { email: "x@example.test", password: "whatever-password" })).status).toBe(
    401,
  );
});

test("400 wrong passwords sent at once: no more than 100 are verified (the attempt is taken before the check)", async () => {
  const hasher = countingHasher();
  t = createTestApp({}, { passwords: hasher, authAttemptsPerMinute: 1_000_000 });
  const email = uniqueEmail("burst");
  await createUser(t.ctx, { email, displayName: "B", password: GOOD_PASSWORD, isInstanceAdmin: false });
  hasher.verifications = 0;
  const statuses = await Promise.all(
    Array.from({ length: 400 }, (_, i) =>
      new Browser(t!.app, t!.config.publicOrigin, `203.0.113.${i % 250}`).post("/api/v1/auth/login", {
        email,
        password: `burst-${i}-wrong`,
      }),
    ),
  ).then((rs) => rs.map((r) => r.status));
  expect(hasher.verifications).toBeLessThanOrEqual(100);
  expect(statuses.filter((s) => s === 401).length).toBe(hasher.verifications);
  expect(statuses.filter((s) => s === 429).length).toBe(400 - hasher.verifications);
});

test("a sliding hour: 100 wrong passwords just before an hour boundary and 100 just after → ≤ 100 verified in any 60 minutes", async () => {
  const recording = appRecordingVerifications();
  t = recording.app;
  const times = recording.times;
  const email = uniqueEmail("boundary");
  await createUser(t.ctx, { email, displayName: "B", password: GOOD_PASSWORD, isInstanceAdmin: false });
  const burst = async (n: number) =>
    (
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          new Browser(t!.app, t!.config.publicOrigin, `203.0.113.${i % 250}`).post("/api/v1/auth/login", {
            email,
            password: `boundary-${i}-wrong`,
          }),
        ),
      )
    ).map((r) => r.status);
  const start = t.clock.now();
  // One failure opens the hour; 99 more just before it ends, 100 just after (once the back-off is over).
  expect(await burst(1)).toEqual([401]);
  t.clock.advance(3600_000 - 2_000);
  const before = await burst(99);
  t.clock.advance(62_000);
  const after = await burst(100);
  expect(before.filter((s) => s === 401).length).toBe(99);
  // Only the first failure has left the hour: one attempt fits, the rest wait.
  expect(after.filter((s) => s === 401).length).toBe(1);
  expect(after.filter((s) => s === 429).length).toBe(99);
  let worst = 0;
  for (const at of times) worst = Math.max(worst, times.filter((x) => x >= at && x < at + 3600_000).length);
  expect(worst).toBeLessThanOrEqual(100);
  // The wait named by Retry-After is when the 99 leave the hour; then the allowance is back.
  const waiting = await new Browser(t.app, t.config.publicOrigin, "198.51.100.77").post("/api/v1/auth/login", {
    email,
    password: "boundary-wrong",
  });
  expect(waiting.status).toBe(429);
  expect(start + 3600_000 - 2_000 + 3600_000 - t.clock.now()).toBeLessThanOrEqual(
    Number(waiting.headers.get("Retry-After")) * 1000,
  );
  t.clock.advance(Number(waiting.headers.get("Retry-After")) * 1000);
  expect(
    (
      await new Browser(t.app, t.config.publicOrigin, "198.51.100.78").post("/api/v1/auth/login", {
        email,
        password: GOOD_PASSWORD,
      })
    ).status,
  ).toBe(200);
});

test("a throttle row from before the sliding hour (a fixed-window count) still holds until its hour ends", async () => {
  t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
  const email = uniqueEmail("legacy");
  await createUser(t.ctx, { email, displayName: "L", password: GOOD_PASSWORD, isInstanceAdmin: false });
  const key = throttleKey(t.ctx, "account", email);
  const start = t.clock.now() - 600_000;
  t.store.db.write((db) =>
    db.run(
      "INSERT INTO throttles (key, window_start, failures, consecutive, blocked_until) VALUES (?, ?, 100, 0, 0)",
      key,
      start,
    ),
  );
  const b = new Browser(t.app, t.config.publicOrigin);
  const refused = await b.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD });
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get("Retry-After"))).toBe(3000);
  t.clock.advance(3000_000);
  expect((await b.post("/api/v1/auth/login", { email, password: GOOD_PASSWORD })).status).toBe(200);
});
