// T-AU11 — Recovery codes: 10, stored hashed (never in clear), each works once, and regenerating
// invalidates the old set.
import { afterAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { authAttemptsPerMinute: 10_000 });
afterAll(() => t.close());

async function loginWithRecovery(email: string, password: string, recoveryCode: string): Promise<number> {
  const b = new Browser(t.app, t.config.publicOrigin);
  const challenge = (await (await b.post("/api/v1/auth/login", { email, password })).json()).challenge;
  return (await b.post("/api/v1/auth/mfa", { challenge, recoveryCode })).status;
}

test("stored hashed, single use, regeneration invalidates the old set", async () => {
  const { user, email, password, browser } = await signedInUser(t);
  const { recoveryCodes } = await enableTotp(t, browser, password);
  expect(recoveryCodes).toHaveLength(10);
  expect(new Set(recoveryCodes).size).toBe(10);
  for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
  const stored = t.store.db.all<{ code_hash: string }>(
    "SELECT code_hash FROM recovery_codes WHERE user_id = ?",
    user.id,
  );
  expect(stored).toHaveLength(10);
  const dump = JSON.stringify(stored);
  for (const code of recoveryCodes) {
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replaceAll("-", ""));
  }

  expect(await loginWithRecovery(email, password, recoveryCodes[0]!)).toBe(200);
  expect(await loginWithRecovery(email, password, recoveryCodes[0]!)).toBe(401);
  // Typing it in capitals without dashes is the same code.
  expect(await loginWithRecovery(email, password, recoveryCodes[1]!.replaceAll("-", "").toUpperCase())).toBe(200);

  // The enrolling browser got a fresh session when MFA was turned on, and still works.
  expect((await (await browser.get("/api/v1/me")).json()).countRecoveryCodesLeft).toBe(8);
  const fresh = new Browser(t.app, t.config.publicOrigin);
  const challenge = (await (await fresh.post("/api/v1/auth/login", { email, password })).json()).challenge;
  expect((await fresh.post("/api/v1/auth/mfa", { challenge, recoveryCode: recoveryCodes[2]! })).status).toBe(200);
  expect((await (await fresh.get("/api/v1/me")).json()).countRecoveryCodesLeft).toBe(7);
  expect((await fresh.post("/api/v1/auth/reauth", { password })).status).toBe(200);
  const regen = await fresh.post("/api/v1/me/mfa/recovery-codes");
  expect(regen.status).toBe(200);
  const { recoveryCodes: fresh10 } = await regen.json();
  expect(fresh10).toHaveLength(10);
  expect(await loginWithRecovery(email, password, recoveryCodes[3]!)).toBe(401);
  expect(await loginWithRecovery(email, password, fresh10[0])).toBe(200);
});
