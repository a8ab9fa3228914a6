// T-AU3 / T-AU8 "Throttling vs lockout" for the second factor — whoever knows the password can burn the
// account's 20 wrong codes an hour, but the owner's known browser keeps its own allowance and still signs in.
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser, signInWithTotp } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

function wrongCode(secret: string): string {
  return totpCode(secret, t.clock.now()) === "000000" ? "000001" : "000000";
}

async function challengeFor(b: Browser, email: string, password: string): Promise<string> {
  const res = await b.post("/api/v1/auth/login", { email, password });
  expect(res.status).toBe(200);
  return (await res.json()).challenge;
}

/** Wrong codes from `b` until the hourly cap answers (back-offs waited out); returns how many were checked. */
async function burnCap(b: Browser, email: string, password: string, secret: string): Promise<number> {
  let wrong = 0;
  for (let round = 0; round < 20; round++) {
    const challenge = await challengeFor(b, email, password);
    for (let i = 0; i < 4; i++) {
      const res = await b.post("/api/v1/auth/mfa", { challenge, code: wrongCode(secret) });
      if (res.status === 401) {
        wrong++;
        continue;
      }
      expect(res.status).toBe(429);
      const wait = Number(res.headers.get("Retry-After"));
      if (wait > 60) return wrong;
      t.clock.advance(wait * 1000);
    }
  }
  throw new Error("the hourly cap never answered");
}

test("an attacker with the password burns the cap (429 for them); the owner's known browser still completes MFA", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret, recoveryCodes } = await enableTotp(t, browser, password);
  // The owner's browser completes a full sign-in (password and code): it is now known to the account.
  const owner = await signInWithTotp(
    t,
    email,
    password,
    secret,
    new Browser(t.app, t.config.publicOrigin, "192.0.2.10"),
  );
  expect(owner.cookies.has("loupe_device")).toBe(true);
  await owner.post("/api/v1/auth/logout");

  const attacker = new Browser(t.app, t.config.publicOrigin, "203.0.113.66");
  expect(await burnCap(attacker, email, password, secret)).toBe(20);
  // Passing the password alone never made the attacker's browser a known one.
  expect(attacker.cookies.has("loupe_device")).toBe(false);
  // The cap holds for the attacker, even with the right code...
  const blocked = await attacker.post("/api/v1/auth/mfa", {
    challenge: await challengeFor(attacker, email, password),
    code: totpCode(secret, t.clock.now()),
  });
  expect(blocked.status).toBe(429);
  expect((await blocked.json()).code).toBe("TOO_MANY_ATTEMPTS");

  // ...while the owner's known browser signs in with a right code...
  const signedIn = await owner.post("/api/v1/auth/mfa", {
    challenge: await challengeFor(owner, email, password),
    code: totpCode(secret, t.clock.now()),
  });
  expect(signedIn.status).toBe(200);
  expect((await signedIn.json()).status).toBe("signed_in");
  t.clock.advance(30_000);
  await owner.post("/api/v1/auth/logout");
  // ...and with a recovery code.
  const recovered = await owner.post("/api/v1/auth/mfa", {
    challenge: await challengeFor(owner, email, password),
    recoveryCode: recoveryCodes[0],
  });
  expect(recovered.status).toBe(200);

  // The attacker's cap still holds after the owner's sign-ins.
  const still = await attacker.post("/api/v1/auth/mfa", {
    challenge: await challengeFor(attacker, email, password),
    code: totpCode(secret, t.clock.now()),
  });
  expect(still.status).toBe(429);
});

test("a device cookie of another account, or a stranger's fresh browser, gets no allowance of its own", async () => {
  const victim = await signedInUser(t);
  const { secret } = await enableTotp(t, victim.browser, victim.password);
  // The attacker holds a perfectly valid device cookie — of their own account.
  const own = await signedInUser(t);
  expect(own.browser.cookies.has("loupe_device")).toBe(true);
  const attacker = own.browser;
  await attacker.post("/api/v1/auth/logout");
  expect(await burnCap(attacker, victim.email, victim.password, secret)).toBe(20);
  // A second fresh browser of the attacker meets the same account cap.
  const fresh = new Browser(t.app, t.config.publicOrigin, "203.0.113.67");
  const res = await fresh.post("/api/v1/auth/mfa", {
    challenge: await challengeFor(fresh, victim.email, victim.password),
    code: totpCode(secret, t.clock.now()),
  });
  expect(res.status).toBe(429);
});

test("a known browser has 20 wrong codes of its own; then it shares the account's allowance", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const owner = await signInWithTotp(
    t,
    email,
    password,
    secret,
    new Browser(t.app, t.config.publicOrigin, "192.0.2.11"),
  );
  await owner.post("/api/v1/auth/logout");
  // The owner's browser burns its own 20 and then the account's 20: 40 in all, no more.
  expect(await burnCap(owner, email, password, secret)).toBe(40);
  // A browser without the cookie is now refused too (the account's allowance is spent) — and it expires.
  const other = new Browser(t.app, t.config.publicOrigin, "192.0.2.12");
  expect(
    (
      await other.post("/api/v1/auth/mfa", {
        challenge: await challengeFor(other, email, password),
        code: totpCode(secret, t.clock.now()),
      })
    ).status,
  ).toBe(429);
  t.clock.advance(3600_000);
  expect(
    (
      await other.post("/api/v1/auth/mfa", {
        challenge: await challengeFor(other, email, password),
        code: totpCode(secret, t.clock.now()),
      })
    ).status,
  ).toBe(200);
});
