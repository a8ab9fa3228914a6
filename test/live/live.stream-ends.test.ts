// Invariant: a live-update stream ends as soon as the session behind it does (sign-out, revocation from
// another session or by an admin, a security change, its inactivity or absolute deadline, a team's own
// shorter timeout) or the user's membership or role changes — with a final `session-ended` naming
// why, then the end of the body. "At once" here means before the request that caused it has answered;
// deadlines are met by the stream's timer (the injected clock and scheduler), not by the next request.
import { afterAll, expect, test } from "bun:test";
import { secondBrowser } from "../support/accounts.ts";
import { events, openEvents, type SseMessage, type SseReader } from "../support/sse.ts";
import { seededWorlds, type World } from "../support/teams.ts";

const worlds = await seededWorlds();
afterAll(() => worlds.close());

/** The rest of the stream, which must already be over: its last event is session-ended, then the body ends. */
async function endedWith(sse: SseReader): Promise<unknown> {
  const rest = await sse.rest(1000);
  expect(sse.ended).toBe(true);
  const last = events(rest).at(-1) as SseMessage;
  expect(last.event).toBe("session-ended");
  expect(events(rest).filter((m) => m.event === "session-ended")).toHaveLength(1);
  return JSON.parse(last.data!);
}

/** Still open, and nothing delivered meanwhile: the next message after firing the heartbeat is the heartbeat. */
async function stillOpen(w: World, sse: SseReader): Promise<void> {
  w.t.clock.advance(15_000);
  w.t.timers.runDue();
  expect(await sse.until((m) => m.comment !== undefined || m.event !== undefined, 1000)).toEqual([
    { comment: "heartbeat" },
  ]);
}

function handleOf(browser: World["a"]["member"]["browser"]) {
  return browser
    .get("/api/v1/me/sessions")
    .then((r) => r.json())
    .then((b: { sessions: { id: string; current: boolean }[] }) => b.sessions.find((s) => s.current)!.id);
}

test("sign-out ends the stream with reason logout", async () => {
  const w = worlds.next();
  const { sse } = await openEvents(w.a.member.browser);
  expect((await w.a.member.browser.post("/api/v1/auth/logout")).status).toBe(200);
  expect(await endedWith(sse)).toEqual({ reason: "logout" });
  w.t.close();
});

test("revoking the session from another session of the same user ends it (revoked); the other stream goes on", async () => {
  const w = worlds.next();
  const other = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const mine = await openEvents(w.a.member.browser);
  const theirs = await openEvents(other);
  const handle = await handleOf(w.a.member.browser);
  expect((await other.delete(`/api/v1/me/sessions/${handle}`)).status).toBe(200);
  expect(await endedWith(mine.sse)).toEqual({ reason: "revoked" });
  await stillOpen(w, theirs.sse);
  // Log out everywhere (from the second session) ends that one too.
  expect((await other.post("/api/v1/me/sessions/revoke-all")).status).toBe(200);
  expect(await endedWith(theirs.sse)).toEqual({ reason: "revoked" });
  w.t.close();
});

test("an admin disabling the user, or revoking their sessions, ends their streams", async () => {
  const w = worlds.next();
  const member = await openEvents(w.a.member.browser);
  const reporter = await openEvents(w.a.reporter.browser);
  expect((await w.admin.browser.post(`/api/v1/instance/users/${w.a.member.user.id}/disable`)).status).toBe(200);
  expect(await endedWith(member.sse)).toEqual({ reason: "revoked" });
  expect((await w.admin.browser.post(`/api/v1/instance/users/${w.a.reporter.user.id}/sessions/revoke`)).status).toBe(
    200,
  );
  expect(await endedWith(reporter.sse)).toEqual({ reason: "revoked" });
  w.t.close();
});

test("a password change elsewhere ends this session's stream", async () => {
  const w = worlds.next();
  const other = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const { sse } = await openEvents(w.a.member.browser);
  expect((await other.post("/api/v1/me/password", { newPassword: "a-brand-new-passphrase-77" })).status).toBe(200);
  expect(await endedWith(sse)).toEqual({ reason: "revoked" });
  w.t.close();
});

test("removal from a team, a role change and the team's deletion each end the member's stream", async () => {
  const w = worlds.next();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const member = await openEvents(w.a.member.browser);
  const reporter = await openEvents(w.a.reporter.browser);
  const otherTeam = await openEvents(w.b.member.browser);
  expect((await w.a.owner.browser.delete(`${T}/members/${w.a.member.user.id}`)).status).toBe(200);
  expect(await endedWith(member.sse)).toEqual({ reason: "membership_changed", teamId: w.a.team.id });
  expect((await w.a.owner.browser.patch(`${T}/members/${w.a.reporter.user.id}`, { role: "member" })).status).toBe(200);
  expect(await endedWith(reporter.sse)).toEqual({ reason: "membership_changed", teamId: w.a.team.id });
  // Nothing of this concerns team B's member.
  await stillOpen(w, otherTeam.sse);
  const owner = await openEvents(w.b.owner.browser);
  expect((await w.b.owner.browser.post("/api/v1/auth/reauth", { password: w.b.owner.password })).status).toBe(200);
  // (Re-authentication replaced the owner's session: that stream ended; a new one is opened.)
  expect(await endedWith(owner.sse)).toEqual({ reason: "revoked" });
  const renewed = await openEvents(w.b.owner.browser);
  expect((await w.b.owner.browser.delete(`/api/v1/teams/${w.b.team.id}`)).status).toBe(200);
  expect(await endedWith(renewed.sse)).toEqual({ reason: "membership_changed", teamId: w.b.team.id });
  expect(await endedWith(otherTeam.sse)).toEqual({ reason: "membership_changed", teamId: w.b.team.id });
  w.t.close();
});

test("the inactivity deadline ends the stream on time, with no request to notice it", async () => {
  const w = worlds.next();
  // A fresh sign-in now: its inactivity deadline is 30 minutes from here.
  const fresh = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const signedInAt = w.t.clock.now();
  const { sse } = await openEvents(fresh);
  for (let at = 15_000; at < 30 * 60_000; at += 15_000) {
    w.t.clock.set(signedInAt + at);
    w.t.timers.runDue();
  }
  w.t.clock.set(signedInAt + 30 * 60_000 - 1);
  w.t.timers.runDue();
  expect((await sse.until((m) => m.comment !== undefined)).at(-1)).toEqual({ comment: "heartbeat" });
  w.t.clock.set(signedInAt + 30 * 60_000);
  w.t.timers.runDue();
  expect(await endedWith(sse)).toEqual({ reason: "idle" });
  expect((await fresh.get("/api/v1/me")).status).toBe(401);
  w.t.close();
});

test("the absolute deadline ends the stream of a session kept active all along", async () => {
  const w = worlds.next();
  const fresh = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const signedInAt = w.t.clock.now();
  const { sse } = await openEvents(fresh);
  // Activity every 20 minutes keeps the session (and re-issues its cookie, which moves the stream's deadline).
  let at = 0;
  while (at + 20 * 60_000 < 12 * 3_600_000) {
    at += 20 * 60_000;
    w.t.clock.set(signedInAt + at);
    w.t.timers.runDue();
    expect((await fresh.get("/api/v1/me")).status).toBe(200);
  }
  w.t.clock.set(signedInAt + 12 * 3_600_000 - 1);
  w.t.timers.runDue();
  expect((await sse.until((m) => m.comment !== undefined || m.event !== undefined)).at(-1)).toEqual({
    comment: "heartbeat",
  });
  w.t.clock.set(signedInAt + 12 * 3_600_000);
  w.t.timers.runDue();
  expect(await endedWith(sse)).toEqual({ reason: "expired" });
  w.t.close();
});

test("a team's own shorter inactivity timeout ends the stream when it runs out; a new stream then leaves that team out", async () => {
  const w = worlds.next();
  const T = `/api/v1/teams/${w.a.team.id}`;
  expect((await w.a.owner.browser.patch(`${T}/policy`, { sessionIdleMinutes: 10 })).status).toBe(200);
  // The member works in the team now (a minute after their last team request, so it counts): the 10 minutes start here.
  w.t.clock.advance(61_000);
  const start = w.t.clock.now();
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(200);
  const { sse } = await openEvents(w.a.member.browser);
  w.t.clock.set(start + 10 * 60_000);
  w.t.timers.runDue();
  expect((await sse.until((m) => m.comment !== undefined || m.event !== undefined)).at(-1)).toEqual({
    comment: "heartbeat",
  });
  w.t.clock.set(start + 10 * 60_000 + 1);
  w.t.timers.runDue();
  expect(await endedWith(sse)).toEqual({ reason: "team_idle", teamId: w.a.team.id });
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(401);
  // The session itself holds: a new stream stays open, but the idle team's events no longer reach it.
  const again = await openEvents(w.a.member.browser);
  // (The owner idled out of the team too: confirming it is them opens it again.)
  expect((await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password })).status).toBe(200);
  const res = await w.a.owner.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "unseen" });
  expect(res.status).toBe(201);
  await stillOpen(w, again.sse);
  w.t.close();
});
