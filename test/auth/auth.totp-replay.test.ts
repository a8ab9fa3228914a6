// T-AU6 — A TOTP code is accepted once: not again in the same step, not an older code inside the
// window after a newer one was used, and of 20 parallel requests with one code exactly one succeeds.
import { afterAll, expect, test } from "bun:test";
import { totpCode } from "../../src/lib/totp.ts";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

/** A sign-in's first step in a fresh browser; the challenge is bound to that browser. */
async function challengeFor(email: string, password: string): Promise<{ browser: Browser; challenge: string }> {
  const browser = new Browser(t.app, t.config.publicOrigin);
  const res = await browser.post("/api/v1/auth/login", { email, password });
  return { browser, challenge: (await res.json()).challenge };
}

async function submit(step: { browser: Browser; challenge: string }, code: string): Promise<number> {
  return (await step.browser.post("/api/v1/auth/mfa", { challenge: step.challenge, code })).status;
}

test("same code twice in the same step: the second is refused", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const code = totpCode(secret, t.clock.now());
  expect(await submit(await challengeFor(email, password), code)).toBe(200);
  expect(await submit(await challengeFor(email, password), code)).toBe(401);
  const events = t.store.db.all<{ type: string }>("SELECT type FROM activity_events WHERE type = 'mfa.failed'");
  expect(events.length).toBeGreaterThanOrEqual(1);
});

test("an earlier step's code, still inside the window, is refused after a newer one was used", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  // 3 s into a step: the previous step's code is inside the 5 s window.
  t.clock.set(Math.floor(t.clock.now() / 30_000) * 30_000 + 30_000 + 3_000);
  const previous = totpCode(secret, t.clock.now() - 30_000);
  const current = totpCode(secret, t.clock.now());
  expect(await submit(await challengeFor(email, password), current)).toBe(200);
  expect(await submit(await challengeFor(email, password), previous)).toBe(401);
});

test("20 parallel requests with one valid code: exactly one succeeds", async () => {
  const { email, password, browser } = await signedInUser(t);
  const { secret } = await enableTotp(t, browser, password);
  const challenges = await Promise.all(Array.from({ length: 20 }, () => challengeFor(email, password)));
  const code = totpCode(secret, t.clock.now());
  const statuses = await Promise.all(challenges.map((c) => submit(c, code)));
  expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  // The rest are refused: 401, or 429 once the account's back-off after 5 failures starts.
  expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(19);
  expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(5);
});
