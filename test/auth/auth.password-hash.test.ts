// T-AU2 — Every stored hash is argon2id v19 at m ≥ 47104 KiB, t ≥ 1 (OWASP); a hash with weaker
// (legacy) parameters is replaced on the next successful login.
import { afterAll, expect, test } from "bun:test";
import { hash } from "@node-rs/argon2";
import { createPasswordHasher, PASSWORD_PARAMS, parseArgon2 } from "../../src/lib/password.ts";
import { signedInUser, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp({}, { passwords: createPasswordHasher() });
afterAll(() => t.close());

test("stored hashes are argon2id with the explicit parameters", async () => {
  await signedInUser(t);
  await signedInUser(t);
  const rows = t.store.db.all<{ password_hash: string }>("SELECT password_hash FROM users");
  expect(rows.length).toBeGreaterThanOrEqual(2);
  for (const row of rows) {
    expect(row.password_hash.startsWith("$argon2id$v=19$")).toBe(true);
    const params = parseArgon2(row.password_hash)!;
    expect(params.memoryCost).toBeGreaterThanOrEqual(47104);
    expect(params.timeCost).toBeGreaterThanOrEqual(1);
    expect(params.parallelism).toBe(1);
  }
  expect(PASSWORD_PARAMS).toEqual({ memoryCost: 47104, timeCost: 1, parallelism: 1 });
});

test("a legacy (weaker) hash is rehashed with the current parameters on login", async () => {
  const email = uniqueEmail("legacy");
  const password = "legacy-users-passphrase";
  const { createUser } = await import("../../src/services/accounts/users.ts");
  const user = await createUser(t.ctx, { email, displayName: "Legacy", password, isInstanceAdmin: false });
  const legacy = await hash(password, { algorithm: 2, memoryCost: 4096, timeCost: 3, parallelism: 1 });
  t.store.db.write(() => t.store.db.run("UPDATE users SET password_hash = ? WHERE id = ?", legacy, user.id));
  expect(createPasswordHasher().needsRehash(legacy)).toBe(true);
  const browser = new Browser(t.app, t.config.publicOrigin);
  expect((await browser.post("/api/v1/auth/login", { email, password })).status).toBe(200);
  const after = t.store.db.get<{ password_hash: string }>(
    "SELECT password_hash FROM users WHERE id = ?",
    user.id,
  )!.password_hash;
  expect(after).not.toBe(legacy);
  expect(parseArgon2(after)).toEqual(PASSWORD_PARAMS);
  // And the new hash still signs in.
  expect((await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", { email, password })).status).toBe(
    200,
  );
});
