// Registering with an invitation is one transaction: when the invitation cannot be accepted (revoked or
// expired while the password was hashed) no account is left behind; the route is limited per IP (429).
import { afterEach, expect, test } from "bun:test";
import type { PasswordHasher } from "../../src/lib/password.ts";
import { GOOD_PASSWORD, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/** A hasher that runs `during` (once) while it hashes: the window between the checks and the write. */
function hookedHasher(): PasswordHasher & { during?: () => Promise<void> } {
  const real = fastPasswords();
  const hasher: PasswordHasher & { during?: () => Promise<void> } = {
    verify: real.verify,
    needsRehash: real.needsRehash,
    hash: async (password: string) => {
      const during = hasher.during;
      hasher.during = undefined;
      if (during) await during();
      return real.hash(password);
    },
  };
  return hasher;
}

async function invited(ctx: TestContext) {
  const owner = await signedInUser(ctx);
  const team = await (await owner.browser.post("/api/v1/teams", { name: "Atomic" })).json();
  const email = `invitee.${Math.random().toString(36).slice(2, 8)}@example.test`;
  const invite = await (
    await owner.browser.post(`/api/v1/teams/${team.id}/invitations`, { email, role: "member" })
  ).json();
  return {
    owner,
    team,
    email,
    invitationId: invite.invitation.id as string,
    token: new URL(invite.url).hash.replace("#token=", ""),
  };
}

function state(ctx: TestContext, email: string, invitationId: string) {
  const db = ctx.store.db;
  return {
    users: db.get<{ n: number }>("SELECT count(*) AS n FROM users WHERE email = ?", email)!.n,
    accepted: db.get<{ accepted_at: number | null }>("SELECT accepted_at FROM invitations WHERE id = ?", invitationId)!
      .accepted_at,
    created: db.get<{ n: number }>("SELECT count(*) AS n FROM activity_events WHERE type = 'user.created'")!.n,
  };
}

const cases: Record<string, (ctx: TestContext, i: Awaited<ReturnType<typeof invited>>) => Promise<void>> = {
  "revoked while the password was hashed": async (_ctx, i) => {
    expect((await i.owner.browser.delete(`/api/v1/teams/${i.team.id}/invitations/${i.invitationId}`)).status).toBe(200);
  },
  "expired while the password was hashed": async (ctx) => {
    ctx.clock.advance(7 * 86_400_000);
  },
};

for (const [name, interfere] of Object.entries(cases)) {
  test(`a failing accept leaves no user row: invitation ${name}`, async () => {
    const hasher = hookedHasher();
    t = createTestApp({}, { passwords: hasher, authAttemptsPerMinute: 10_000 });
    const i = await invited(t);
    const before = state(t, i.email, i.invitationId);
    hasher.during = () => interfere(t!, i);
    const res = await new Browser(t.app, t.config.publicOrigin).post("/api/v1/invitations/register", {
      token: i.token,
      displayName: "Newcomer",
      password: GOOD_PASSWORD,
    });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe("TOKEN_INVALID");
    expect(state(t, i.email, i.invitationId)).toEqual({ ...before, users: 0, accepted: null });
    // Nobody can sign in as the half-made account.
    expect(
      (
        await new Browser(t.app, t.config.publicOrigin).post("/api/v1/auth/login", {
          email: i.email,
          password: GOOD_PASSWORD,
        })
      ).status,
    ).toBe(401);
  });
}

test("the control: a registration in time creates the account, joins the team, and can sign in", async () => {
  t = createTestApp({}, { passwords: hookedHasher(), authAttemptsPerMinute: 10_000 });
  const i = await invited(t);
  const res = await new Browser(t.app, t.config.publicOrigin).post("/api/v1/invitations/register", {
    token: i.token,
    displayName: "Newcomer",
    password: GOOD_PASSWORD,
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ teamId: i.team.id, role: "member" });
  expect(state(t, i.email, i.invitationId).users).toBe(1);
  expect(state(t, i.email, i.invitationId).accepted).not.toBeNull();
  const b = new Browser(t.app, t.config.publicOrigin);
  expect((await b.post("/api/v1/auth/login", { email: i.email, password: GOOD_PASSWORD })).status).toBe(200);
  expect((await (await b.get("/api/v1/teams")).json()).teams.map((x: { id: string }) => x.id)).toEqual([i.team.id]);
});

test("the route answers 429 (problem+json, Retry-After) after the per-IP limit; another IP is not affected", async () => {
  t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 3 });
  const body = { token: "AAAAAAAAAAAAAAAAAAAAAA", displayName: "N", password: "register-passphrase" };
  const b = new Browser(t.app, t.config.publicOrigin, "203.0.113.9");
  for (let n = 0; n < 3; n++) expect((await b.post("/api/v1/invitations/register", body)).status).toBe(400);
  const limited = await b.post("/api/v1/invitations/register", body);
  expect(limited.status).toBe(429);
  expect(limited.headers.get("Content-Type")).toContain("application/problem+json");
  expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
  expect((await limited.json()).code).toBe("TOO_MANY_ATTEMPTS");
  expect(
    (await new Browser(t.app, t.config.publicOrigin, "203.0.113.10").post("/api/v1/invitations/register", body)).status,
  ).toBe(400);
  t.clock.advance(60_000);
  expect((await b.post("/api/v1/invitations/register", body)).status).toBe(400);
});
