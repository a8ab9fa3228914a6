// T-L1 — Each security-relevant action leaves exactly one structured record with a UTC time, a
// pseudonymous actor id, the team where there is one, the action and the outcome: sign-in ok and
// failed, MFA failed, an authorization denial, a session revoked, a settings change (activity
// events); a role change and an export (audit trail).
import { expect, test } from "bun:test";
import { enableTotp } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { seedWorld } from "../support/teams.ts";

test("one record per action, ids only", async () => {
  const w = await seedWorld();
  const { db } = w.t.store;
  const events = (type: string, userId: string) =>
    db.all<Record<string, unknown>>("SELECT * FROM activity_events WHERE type = ? AND user_id = ?", type, userId);
  const u = w.a.member;
  const before = (type: string) => events(type, u.user.id).length;

  const counts = {
    ok: before("login.succeeded"),
    failed: before("login.failed"),
    mfa: before("mfa.failed"),
    denied: before("access.denied"),
    revoked: before("session.revoked"),
  };
  const b = new Browser(w.t.app, w.t.config.publicOrigin);
  await b.post("/api/v1/auth/login", { email: u.email, password: "a-wrong-password" });
  await b.post("/api/v1/auth/login", { email: u.email, password: u.password });
  await b.patch(`/api/v1/teams/${w.a.team.id}/policy`, { sessionIdleMinutes: 20 }); // denied: members cannot
  await b.post("/api/v1/auth/logout");
  expect(events("login.failed", u.user.id).length - counts.failed).toBe(1);
  expect(events("login.succeeded", u.user.id).length - counts.ok).toBe(1);
  expect(events("access.denied", u.user.id).length - counts.denied).toBe(1);
  expect(events("session.revoked", u.user.id).length - counts.revoked).toBe(1);
  const denied = events("access.denied", u.user.id).at(-1)!;
  expect(denied).toMatchObject({
    team_id: w.a.team.id,
    target_id: "team.policy.update",
    outcome: "failure",
    actor_id: u.user.id,
  });

  const { secret } = await enableTotp(w.t, w.a.reporter.browser, w.a.reporter.password);
  const mfaBrowser = new Browser(w.t.app, w.t.config.publicOrigin);
  const { challenge } = await (
    await mfaBrowser.post("/api/v1/auth/login", { email: w.a.reporter.email, password: w.a.reporter.password })
  ).json();
  const { totpCode } = await import("../../src/lib/totp.ts");
  await mfaBrowser.post("/api/v1/auth/mfa", {
    challenge,
    code: totpCode(secret, w.t.clock.now()) === "000000" ? "111111" : "000000",
  });
  expect(events("mfa.failed", w.a.reporter.user.id)).toHaveLength(1);

  const settingsBefore = events("instance.settings_changed", w.admin.user.id).length;
  await w.admin.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 25 });
  expect(events("instance.settings_changed", w.admin.user.id).length - settingsBefore).toBe(1);

  await w.a.owner.browser.patch(`/api/v1/teams/${w.a.team.id}/members/${w.a.member.user.id}`, { role: "reporter" });
  await w.a.owner.browser.get(`/api/v1/teams/${w.a.team.id}/export`);
  const audit = (action: string) =>
    db.all<Record<string, unknown>>("SELECT * FROM audit_log WHERE action = ? AND team_id = ?", action, w.a.team.id);
  expect(audit("member.role_changed")).toHaveLength(1);
  expect(audit("data.exported")).toHaveLength(1);
  expect(audit("member.role_changed")[0]).toMatchObject({ actor_id: w.a.owner.user.id, target_id: w.a.member.user.id });

  // Structured, UTC (epoch ms), no personal data.
  const all =
    JSON.stringify(db.all("SELECT * FROM activity_events")) + JSON.stringify(db.all("SELECT * FROM audit_log"));
  for (const person of [w.a.owner, w.a.member, w.a.reporter, w.admin]) {
    expect(all).not.toContain(person.email);
    expect(all).not.toContain(person.password);
  }
  for (const row of db.all<{ at: number }>("SELECT at FROM activity_events"))
    expect(Number.isInteger(row.at)).toBe(true);
  w.t.close();
});
