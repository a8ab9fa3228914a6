// T-AU4 — Unknown email, wrong password and a locked account answer with the same status and body
// (the request id aside), and an unknown email costs one argon2id verify like a known one.
import { afterAll, expect, test } from "bun:test";
import { createPasswordHasher } from "../../src/lib/password.ts";
import { createUser } from "../../src/services/accounts/users.ts";
import { GOOD_PASSWORD, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp } from "../support/test-app.ts";

const real = createPasswordHasher();
const verified: string[] = [];
const t = createTestApp(
  {},
  {
    authAttemptsPerMinute: 10_000,
    passwords: {
      ...real,
      verify: async (h, p) => {
        verified.push(h);
        return real.verify(h, p);
      },
    },
  },
);
afterAll(() => t.close());

async function attempt(email: string, password: string) {
  const res = await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", { email, password });
  const body = await res.json();
  delete body.requestId;
  return { status: res.status, body: JSON.stringify(body) };
}

test("unknown email and wrong password: same status and body; the dummy verify runs for the unknown email", async () => {
  const known = uniqueEmail();
  const user = await createUser(t.ctx, {
    email: known,
    displayName: "K",
    password: GOOD_PASSWORD,
    isInstanceAdmin: false,
  });
  const storedHash = t.store.db.get<{ password_hash: string }>(
    "SELECT password_hash FROM users WHERE id = ?",
    user.id,
  )!.password_hash;

  verified.length = 0;
  const unknown = await attempt("nobody-here@example.test", "some-password-1");
  expect(verified).toHaveLength(1);
  expect(verified[0]).not.toBe(storedHash);
  expect(verified[0]!.startsWith("$argon2id$v=19$m=47104,t=1,p=1$")).toBe(true);

  verified.length = 0;
  const wrong = await attempt(known, "some-password-1");
  expect(verified).toEqual([storedHash]);

  expect(unknown).toEqual(wrong);
  expect(unknown.status).toBe(401);
  expect(JSON.parse(unknown.body).code).toBe("INVALID_CREDENTIALS");
});

test("a locked-out known account and a locked-out unknown email answer alike", async () => {
  const known = uniqueEmail();
  await createUser(t.ctx, { email: known, displayName: "K", password: GOOD_PASSWORD, isInstanceAdmin: false });
  const unknown = "also-nobody@example.test";
  for (let i = 0; i < 5; i++) {
    await attempt(known, "wrong-password-x");
    await attempt(unknown, "wrong-password-x");
  }
  const a = await attempt(known, "wrong-password-x");
  const b = await attempt(unknown, "wrong-password-x");
  expect(a.status).toBe(429);
  expect(a).toEqual(b);
});

test("password reset requests answer the same for existing and unknown addresses", async () => {
  const sent: string[] = [];
  const withMail = createTestApp({}, { mailer: { send: async (m) => void sent.push(m.to) } });
  try {
    const known = uniqueEmail();
    await createUser(withMail.ctx, { email: known, displayName: "K", password: GOOD_PASSWORD, isInstanceAdmin: false });
    const b = new Browser(withMail.app, withMail.config.publicOrigin);
    const r1 = await b.post("/api/v1/auth/password-reset/request", { email: known });
    const r2 = await b.post("/api/v1/auth/password-reset/request", { email: "ghost@example.test" });
    expect(r1.status).toBe(202);
    expect(r2.status).toBe(202);
    expect(await r1.text()).toBe(await r2.text());
    expect(sent).toEqual([known]);
  } finally {
    withMail.close();
  }
});
