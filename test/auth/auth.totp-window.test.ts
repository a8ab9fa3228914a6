// T-AU7 — Only the documented window is accepted: the current step and 5 s back (default), never a
// future step; with the tolerance set to 0, the current step only.
import { expect, test } from "bun:test";
import { newTotpSecret, totpCode, verifyTotp } from "../../src/lib/totp.ts";

const STEP = 30_000;
const base = Date.UTC(2026, 5, 1, 12, 0, 0); // a step boundary

function accepted(secret: string, codeAt: number, now: number, tolerance = 5): boolean {
  return verifyTotp(secret, totpCode(secret, codeAt), now, tolerance, -1) !== undefined;
}

test("default [5 s, 0]: now ok; now−1 at +3 s ok and at +6 s refused; now−2, now+1, now+2 refused", () => {
  const s = newTotpSecret();
  expect(accepted(s, base + 3_000, base + 3_000)).toBe(true);
  expect(accepted(s, base - STEP, base + 3_000)).toBe(true);
  expect(accepted(s, base - STEP, base + 6_000)).toBe(false);
  expect(accepted(s, base - 2 * STEP, base + 3_000)).toBe(false);
  expect(accepted(s, base + STEP, base + 3_000)).toBe(false);
  expect(accepted(s, base + 2 * STEP, base + 3_000)).toBe(false);
  // Just before the next step, a future code is still refused.
  expect(accepted(s, base + STEP, base + STEP - 500)).toBe(false);
});

test("tolerance 0: the current step only", () => {
  const s = newTotpSecret();
  expect(accepted(s, base + 1_000, base + 1_000, 0)).toBe(true);
  expect(accepted(s, base - STEP, base + 1_000, 0)).toBe(false);
});

test("malformed codes are refused without error", () => {
  const s = newTotpSecret();
  for (const code of ["", "12345", "1234567", "abcdef", "12 345", "１２３４５６"])
    expect(verifyTotp(s, code, base, 5, -1)).toBeUndefined();
});
