// T-AU8 — A sign-in challenge dies after 5 wrong codes (even a right code fails after), and an
// account accepts at most 20 wrong codes an hour (429 afterwards, for every challenge).
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

/** The first step of a sign-in in browser `b` (the challenge is bound to it). */
async function challengeFor(email: string, password: string, b: Browser): Promise<string> {
  return (await (await b.post("/api/v1/auth/login", { email, password })).json()).challenge;
}

function wrongCode(secret: string): string {
  const right = totpCode(secret, t.clock.now());
  return right === "000000" ? "000001" : "000000";
}

test("5 wrong codes kill the challenge", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const b = new Browser(t.app, t.config.publicOrigin);
  const challenge = await challengeFor(email, password, b);
  for (let i = 0; i < 5; i++) {
    const res = await b.post("/api/v1/auth/mfa", { challenge, code: wrongCode(secret) });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe("MFA_CODE_INVALID");
  }
  const res = await b.post("/api/v1/auth/mfa", { challenge, code: totpCode(secret, t.clock.now()) });
  expect(res.status).toBe(401);
  expect((await res.json()).code).toBe("MFA_CHALLENGE_INVALID");
});

test("≤ 20 wrong codes per account per hour across challenges, then 429 for the rest of the hour; it expires", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const b = new Browser(t.app, t.config.publicOrigin);
  const started = t.clock.now();
  let wrong = 0;
  let hourlyCapHit = false;
  for (let round = 0; round < 20 && !hourlyCapHit; round++) {
    const challenge = await challengeFor(email, password, b);
    for (let i = 0; i < 4 && !hourlyCapHit; i++) {
      const res = await b.post("/api/v1/auth/mfa", { challenge, code: wrongCode(secret) });
      if (res.status === 429) {
        const wait = Number(res.headers.get("Retry-After"));
        // The short back-off is waited out; the hourly cap ends the attack.
        if (wait > 60) hourlyCapHit = true;
        else t.clock.advance(wait * 1000);
      } else {
        expect(res.status).toBe(401);
        wrong++;
      }
    }
  }
  expect(hourlyCapHit).toBe(true);
  expect(wrong).toBe(20);
  expect(t.clock.now() - started).toBeLessThan(3600_000);
  // Even the right code is refused while the cap holds...
  const challenge = await challengeFor(email, password, b);
  expect((await b.post("/api/v1/auth/mfa", { challenge, code: totpCode(secret, t.clock.now()) })).status).toBe(429);
  // ...and accepted once the hour is over.
  t.clock.advance(3600_000);
  const later = await challengeFor(email, password, b);
  expect((await b.post("/api/v1/auth/mfa", { challenge: later, code: totpCode(secret, t.clock.now()) })).status).toBe(
    200,
  );
});

test("a challenge expires after 5 minutes", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const b = new Browser(t.app, t.config.publicOrigin);
  const challenge = await challengeFor(email, password, b);
  t.clock.advance(5 * 60_000 + 1);
  const res = await b.post("/api/v1/auth/mfa", { challenge, code: totpCode(secret, t.clock.now()) });
  expect(res.status).toBe(401);
  expect((await res.json()).code).toBe("MFA_CHALLENGE_INVALID");
});
