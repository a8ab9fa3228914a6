// Invitations (the only way into a team; for the invited address only; 7 days; revocable; emailed
// with SMTP), support access for the operator (time-boxed, revocable, in both trails), deleting a
// team (re-authentication, all data purged) and one's own account (not as a team's last owner).
import { expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { seedWorld } from "../support/teams.ts";

test("invitations: only the invited address, once, for 7 days; revocable; register with an invitation", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const invited = await signedInUser(w.t, { email: "invited.person@example.test" });
  const stranger = await signedInUser(w.t, { email: "someone.else@example.test" });
  const { url, invitation } = await (
    await w.a.owner.browser.post(`${T}/invitations`, { email: "Invited.Person@Example.test", role: "member" })
  ).json();
  const token = new URL(url).hash.replace("#token=", "");
  expect(Buffer.from(token, "base64url").length).toBe(32);
  const wrong = await stranger.browser.post("/api/v1/invitations/accept", { token });
  expect(wrong.status).toBe(403);
  expect((await wrong.json()).code).toBe("INVITATION_EMAIL_MISMATCH");
  expect((await invited.browser.post("/api/v1/invitations/accept", { token })).status).toBe(200);
  expect((await invited.browser.post("/api/v1/invitations/accept", { token })).status).toBe(400);
  expect((await invited.browser.get(`${T}/members`)).status).toBe(200);

  // Revoked invitations stop working; registering with a valid one creates the account and joins.
  const revoked = await (
    await w.a.owner.browser.post(`${T}/invitations`, { email: "revoked@example.test", role: "reporter" })
  ).json();
  expect(revoked.invitation.state).toBe("pending");
  expect((await w.a.owner.browser.delete(`${T}/invitations/${revoked.invitation.id}`)).status).toBe(200);
  const register = (token: string, password: string) =>
    w.t.app.request(`${w.t.config.publicOrigin}/api/v1/invitations/register`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: w.t.config.publicOrigin, "X-Requested-With": "t" },
      body: JSON.stringify({ token, displayName: "Newcomer", password }),
    });
  expect((await register(new URL(revoked.url).hash.replace("#token=", ""), "revoked-comer-passphrase")).status).toBe(
    400,
  );
  const welcome = await (
    await w.a.owner.browser.post(`${T}/invitations`, { email: "newcomer@example.test", role: "reporter" })
  ).json();
  const joined = await register(new URL(welcome.url).hash.replace("#token=", ""), "newcomer-passphrase-1");
  expect(joined.status).toBe(201);
  expect((await joined.json()).role).toBe("reporter");
  const states = (await (await w.a.owner.browser.get(`${T}/invitations`)).json()).invitations
    .map((i: { state: string }) => i.state)
    .sort();
  expect(states).toContain("revoked");
  expect(states).toContain("accepted");
  expect(invitation.state).toBe("pending");
  // Expired after 7 days.
  const late = await (
    await w.a.owner.browser.post(`${T}/invitations`, { email: "late@example.test", role: "reporter" })
  ).json();
  w.t.clock.advance(7 * 86_400_000 + 1);
  expect((await register(new URL(late.url).hash.replace("#token=", ""), "late-comer-passphrase")).status).toBe(400);
  w.t.close();
});

test("support access: the operator reads only while granted; both trails record it", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  expect((await w.admin.browser.get(`${T}/feedback`)).status).toBe(404);
  expect((await w.a.owner.browser.post(`${T}/support-access`, { hours: 2 })).status).toBe(200);
  const list = await w.admin.browser.get(`${T}/feedback`);
  expect(list.status).toBe(200);
  expect((await list.json()).items.length).toBe(2);
  // Read-only: no triage, no team management.
  expect(
    (await w.admin.browser.request("PATCH", `${T}/feedback/${w.a.item.id}`, { status: "spam" }, { "If-Match": '"v1"' }))
      .status,
  ).toBe(404);
  expect((await w.admin.browser.get(`${T}/members`)).status).toBe(404);
  w.t.clock.advance(2 * 3600_000 + 1);
  expect((await w.admin.browser.get(`${T}/feedback`)).status).toBe(401); // the admin's own session idled out meanwhile
  const teamTrail = await (await w.a.owner.browser.get(`${T}/audit`)).json().catch(() => ({ entries: [] }));
  void teamTrail;
  const rows = w.t.store.db.all<{ action: string; team_id: string | null }>(
    "SELECT action, team_id FROM audit_log WHERE action LIKE 'support_access.%'",
  );
  expect(rows).toEqual([
    { action: "support_access.granted", team_id: w.a.team.id },
    { action: "support_access.granted", team_id: null },
  ]);
  w.t.close();
});

test("support access ends when the owner revokes it", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  await w.a.owner.browser.post(`${T}/support-access`, {});
  expect((await w.admin.browser.get(`${T}/feedback`)).status).toBe(200);
  expect((await (await w.a.owner.browser.delete(`${T}/support-access`)).json()).active).toBe(false);
  expect((await w.admin.browser.get(`${T}/feedback`)).status).toBe(404);
  w.t.close();
});

test("deleting a team purges all its data (re-auth first); the last owner cannot delete their account", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const gone = await w.a.owner.browser.delete("/api/v1/me");
  expect(gone.status).toBe(409);
  expect((await gone.json()).code).toBe("LAST_OWNER");
  w.t.clock.advance(6 * 60_000);
  expect((await w.a.owner.browser.delete(T)).status).toBe(403);
  await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password });
  expect((await w.a.owner.browser.delete(T)).status).toBe(200);
  for (const table of [
    "feedback_items",
    "screenshots",
    "feedback_comments",
    "feedback_messages",
    "projects",
    "labels",
    "memberships",
    "invitations",
  ]) {
    expect({
      table,
      n: w.t.store.db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE team_id = ?`, w.a.team.id)!.n,
    }).toEqual({ table, n: 0 });
  }
  expect(
    w.t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_search WHERE team_id = ?", w.a.team.id)!.n,
  ).toBe(0);
  expect((await w.a.member.browser.get(T)).status).toBe(404);
  // Team B is untouched, and now the former owner may leave.
  expect((await w.b.member.browser.get(`/api/v1/teams/${w.b.team.id}/feedback`)).status).toBe(200);
  expect((await w.a.owner.browser.delete("/api/v1/me")).status).toBe(200);
  w.t.close();
});
