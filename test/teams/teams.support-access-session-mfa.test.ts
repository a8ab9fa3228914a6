// Invariant: support access (an instance admin reading a team under the owner's time-boxed grant) works only in a
// browser session with MFA (confirmed TOTP, or a session whose amr attests mfa); never with an API token (404).
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { seedWorld } from "../support/teams.ts";

const w = await seedWorld();
afterAll(() => w.t.close());
const T = `/api/v1/teams/${w.a.team.id}`;
/** Every support-readable route, and one that is not. */
const READS = [
  T,
  `${T}/projects`,
  `${T}/labels`,
  `${T}/feedback`,
  `${T}/feedback/${w.a.item.id}`,
  `${T}/feedback/${w.a.item.id}/comments`,
  `${T}/feedback/${w.a.item.id}/messages`,
];

expect((await w.a.owner.browser.post(`${T}/support-access`, { hours: 2 })).status).toBe(200);

test("the admin's MFA browser session reads the team under the grant", async () => {
  for (const path of READS)
    expect({ path, status: (await w.admin.browser.get(path)).status }).toEqual({ path, status: 200 });
});

test("the admin's personal API token gets 404 on the team's routes under an active grant", async () => {
  expect((await w.admin.browser.post("/api/v1/auth/reauth", { password: w.admin.password })).status).toBe(200);
  for (const scope of ["read", "write"]) {
    const created = await w.admin.browser.post("/api/v1/me/tokens", { name: `support-${scope}`, scope });
    expect(created.status).toBe(201);
    const bearer = { Authorization: `Bearer ${(await created.json()).token}` };
    // The token itself works (it is the admin's, and valid)...
    expect((await w.anonymous.get("/api/v1/me", bearer)).status).toBe(200);
    // ...but it never opens a team through support access.
    for (const path of READS) {
      const res = await w.anonymous.get(path, bearer);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect((await res.json()).code).toBe("NOT_FOUND");
    }
  }
  // The browser session still reads: the grant is active.
  expect((await w.admin.browser.get(`${T}/feedback`)).status).toBe(200);
});

test("an admin without MFA is refused: enrolment pending (403), or a session without a second factor (404)", async () => {
  const fresh = await signedInUser(w.t, { admin: true });
  const pending = await fresh.browser.get(`${T}/feedback`);
  expect(pending.status).toBe(403);
  expect((await pending.json()).code).toBe("MFA_ENROLMENT_REQUIRED");

  // A user made instance admin while signed in without MFA (the session has no enrolment requirement).
  const promoted = await signedInUser(w.t);
  w.t.store.db.write(() => w.t.store.db.run("UPDATE users SET is_instance_admin = 1 WHERE id = ?", promoted.user.id));
  expect((await promoted.browser.get("/api/v1/instance/users")).status).toBe(200);
  for (const path of READS)
    expect({ path, status: (await promoted.browser.get(path)).status }).toEqual({ path, status: 404 });

  // The same session once it attests MFA (as an IdP's MFA claim does) is a support session.
  const sessionId = w.t.store.db.get<{ id: string }>(
    "SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL",
    promoted.user.id,
  )!.id;
  w.t.store.db.write(() =>
    w.t.store.db.run("UPDATE sessions SET amr = ? WHERE id = ?", JSON.stringify(["sso", "mfa"]), sessionId),
  );
  expect((await promoted.browser.get(`${T}/feedback`)).status).toBe(200);
});
