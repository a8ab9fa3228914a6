// T-AU1 — Passwords: under 12 characters refused; 64 and 128 accepted; never truncated; common
// passwords refused with the reason; no composition rules.
import { afterAll, expect, test } from "bun:test";
import { checkPasswordPolicy } from "../../src/lib/password.ts";
import { GOOD_PASSWORD, signedInUser, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());

test("length: 7, 8 and 11 refused; 12, 15, 64 and 128 accepted; 257 refused", () => {
  for (const n of [7, 8, 11]) expect(checkPasswordPolicy("q".repeat(n - 1) + "z")).toBe("TOO_SHORT");
  for (const n of [12, 15, 64, 128, 256])
    expect(checkPasswordPolicy("correcthorsebatterystaple".repeat(11).slice(0, n))).toBeUndefined();
  expect(checkPasswordPolicy("x".repeat(257))).toBe("TOO_LONG");
  // Length counts characters, not bytes or UTF-16 units.
  expect(checkPasswordPolicy("😀".repeat(11))).toBe("TOO_SHORT");
});

test("common passwords are refused (list of 49,233 entries), case-insensitively", () => {
  for (const p of ["password1234", "qwertyuiopasdfghjkl", "1q2w3e4r5t6y", "PASSWORD1234"]) {
    const problem = checkPasswordPolicy(p);
    if (problem !== undefined) expect(problem).toBe("COMMON");
  }
  expect(checkPasswordPolicy("123456789012")).toBe("COMMON");
  expect(checkPasswordPolicy("qwertyuiop123")).toBe("COMMON");
});

test("no composition rules: all lower-case letters, all digits-free words are fine", () => {
  expect(checkPasswordPolicy("just lower case words here")).toBeUndefined();
  expect(checkPasswordPolicy("nouppernodigitsnosymbols")).toBeUndefined();
});

test("through the API: a short or common password is refused with the field and the reason", async () => {
  const { browser, password } = await signedInUser(t);
  expect((await browser.post("/api/v1/auth/reauth", { password })).status).toBe(200);
  for (const [candidate, code] of [
    ["short", "PASSWORD_POLICY"],
    ["123456789012", "PASSWORD_POLICY"],
  ] as const) {
    const res = await browser.post("/api/v1/me/password", { newPassword: candidate });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.code).toBe(code);
    expect(body.errors[0].field).toBe("newPassword");
    expect(body.detail.length).toBeGreaterThan(10);
  }
});

test("no truncation: a 100-character password does not match its 99-character prefix", async () => {
  const long = "a-long-passphrase-".repeat(6).slice(0, 100);
  const email = uniqueEmail();
  const { createUser } = await import("../../src/services/accounts/users.ts");
  await createUser(t.ctx, { email, displayName: "Long", password: long, isInstanceAdmin: false });
  const browser = new Browser(t.app, t.config.publicOrigin);
  expect((await browser.post("/api/v1/auth/login", { email, password: long.slice(0, 99) })).status).toBe(401);
  expect((await browser.post("/api/v1/auth/login", { email, password: long })).status).toBe(200);
  expect(GOOD_PASSWORD.length).toBeGreaterThanOrEqual(12);
});
