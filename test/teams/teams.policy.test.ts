// Team security policy, applied on the team's routes only: MFA required (403 MFA_ENROLMENT_REQUIRED until the
// member enrols, other teams unaffected), a shorter inactivity timeout, SSO required; each change is
// in the team's audit trail. Owners only.
import { expect, test } from "bun:test";
import { enableTotp } from "../support/accounts.ts";
import { seedWorld } from "../support/teams.ts";

test("MFA required: members without it get 403 MFA_ENROLMENT_REQUIRED here, other teams keep working; enrolling fixes it", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const own = await (await w.a.member.browser.post("/api/v1/teams", { name: "elsewhere" })).json();
  expect((await w.a.member.browser.patch(`${T}/policy`, { mfaRequired: true })).status).toBe(403);
  // An owner without MFA cannot require it (they would lock themselves out).
  expect((await w.a.owner.browser.patch(`${T}/policy`, { mfaRequired: true })).status).toBe(409);
  await enableTotp(w.t, w.a.owner.browser, w.a.owner.password);
  const set = await w.a.owner.browser.patch(`${T}/policy`, { mfaRequired: true });
  expect(set.status).toBe(200);
  expect((await set.json()).policy.mfaRequired).toBe(true);
  const refused = await w.a.member.browser.get(`${T}/feedback`);
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("MFA_ENROLMENT_REQUIRED");
  expect((await w.a.member.browser.get(`/api/v1/teams/${own.id}`)).status).toBe(200);
  await enableTotp(w.t, w.a.member.browser, w.a.member.password);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(200);
  const audit = await (await w.a.owner.browser.get(`${T}/audit`)).json();
  expect(audit.entries.map((e: { action: string }) => e.action)).toContain("team.mfa_requirement_changed");
  w.t.close();
});

test("a shorter inactivity timeout applies to this team's routes only", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const own = await (await w.a.member.browser.post("/api/v1/teams", { name: "elsewhere" })).json();
  expect((await w.a.owner.browser.patch(`${T}/policy`, { sessionIdleMinutes: 10 })).status).toBe(200);
  w.t.clock.advance(11 * 60_000);
  const res = await w.a.member.browser.get(`${T}/feedback`);
  expect(res.status).toBe(401);
  expect((await res.json()).code).toBe("TEAM_SESSION_IDLE");
  // Activity in another team does not keep this one open...
  expect((await w.a.member.browser.get(`/api/v1/teams/${own.id}`)).status).toBe(200);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(401);
  // ...confirming it is you (a new session) does.
  expect((await w.a.member.browser.post("/api/v1/auth/reauth", { password: w.a.member.password })).status).toBe(200);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(200);
  w.t.clock.advance(9 * 60_000);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(200);
  // (The owner idled out of the team too; the trail is read directly.)
  expect(
    w.t.store.db
      .all<{ action: string }>("SELECT action FROM audit_log WHERE team_id = ?", w.a.team.id)
      .map((e) => e.action),
  ).toContain("team.session_timeout_changed");
  w.t.close();
});

test("SSO required: password sessions are refused on this team's routes", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  // From a password session the owner cannot require SSO (lock-out protection)...
  const refused = await w.a.owner.browser.patch(`${T}/policy`, { ssoRequired: true });
  expect(refused.status).toBe(409);
  expect((await refused.json()).code).toBe("POLICY_WOULD_LOCK_OUT");
  // ...so, as if set from an SSO session (test/sso covers SSO sign-in), it is written directly.
  w.t.store.db.write(() => w.t.store.db.run("UPDATE teams SET sso_required = 1 WHERE id = ?", w.a.team.id));
  const res = await w.a.member.browser.get(`${T}/feedback`);
  expect(res.status).toBe(403);
  expect((await res.json()).code).toBe("SSO_REQUIRED");
  expect((await w.b.member.browser.get(`/api/v1/teams/${w.b.team.id}/feedback`)).status).toBe(200);
  w.t.close();
});
