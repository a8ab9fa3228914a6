// Invariant: an open live-update stream is not activity. Opening it neither records the session as
// seen nor re-issues its cookie, its heartbeats touch nothing, and it leaves a team's own inactivity
// clock alone: a tab left open on the inbox signs out at the inactivity timeout like any idle tab.
import { afterAll, expect, test } from "bun:test";
import { findSession } from "../../src/store/sessions.ts";
import { teamActivity } from "../../src/store/teams.ts";
import { secondBrowser } from "../support/accounts.ts";
import { openEvents } from "../support/sse.ts";
import { seededWorlds } from "../support/teams.ts";

const worlds = await seededWorlds();
afterAll(() => worlds.close());

const sessionIdOf = (w: ReturnType<typeof worlds.next>, userId: string) =>
  w.t.store.db.get<{ id: string }>(
    "SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1",
    userId,
  )!.id;

test("a stream opened and kept open for 20 minutes leaves the session's last activity and cookie as they were", async () => {
  const w = worlds.next();
  const browser = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const signedInAt = w.t.clock.now();
  const sid = sessionIdOf(w, w.a.member.user.id);
  // Twenty minutes on: an ordinary request here would record activity and re-issue the cookie.
  w.t.clock.set(signedInAt + 20 * 60_000);
  const { res, sse } = await openEvents(browser);
  expect(res.headers.getSetCookie()).toEqual([]);
  for (let at = 20 * 60_000; at < 30 * 60_000; at += 15_000) {
    w.t.clock.set(signedInAt + at);
    w.t.timers.runDue();
  }
  expect(findSession(w.t.store.db, sid)?.last_seen_at).toBe(signedInAt);
  w.t.clock.set(signedInAt + 30 * 60_000);
  w.t.timers.runDue();
  const rest = await sse.rest(1000);
  expect(rest.at(-1)).toEqual({ event: "session-ended", data: JSON.stringify({ reason: "idle" }) });
  expect((await browser.get("/api/v1/me")).status).toBe(401);
  w.t.close();
});

test("the same with an ordinary request instead keeps the session (the control)", async () => {
  const w = worlds.next();
  const browser = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const signedInAt = w.t.clock.now();
  w.t.clock.set(signedInAt + 20 * 60_000);
  const seen = await browser.get("/api/v1/me");
  expect(seen.status).toBe(200);
  expect(seen.headers.getSetCookie().length).toBeGreaterThan(0);
  w.t.clock.set(signedInAt + 30 * 60_000);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
  w.t.close();
});

test("a stream delivering a team's events does not keep that team's own inactivity clock running", async () => {
  const w = worlds.next();
  const T = `/api/v1/teams/${w.a.team.id}`;
  expect((await w.a.owner.browser.patch(`${T}/policy`, { sessionIdleMinutes: 10 })).status).toBe(200);
  const sid = sessionIdOf(w, w.a.member.user.id);
  const before = teamActivity(w.t.store.db, sid, w.a.team.id);
  const { sse } = await openEvents(w.a.member.browser);
  // An item arrives and is delivered (the team's access is checked), yet nothing is recorded.
  expect((await w.a.owner.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "live" })).status).toBe(
    201,
  );
  expect((await sse.until((m) => m.event !== undefined)).at(-1)?.event).toBe("feedback.created");
  expect(teamActivity(w.t.store.db, sid, w.a.team.id)).toBe(before);
  await sse.cancel();
  w.t.close();
});
