// Invariant: the live-update stream delivers an event only to whom the ordinary routes would show it,
// checked at delivery against live team access: members and owners get their teams' events, a
// reporter only their own items' and never an internal comment's, an outsider nothing; events carry
// ids only (exactly the shared schema), the SSE id equals the event's id.
import { afterAll, expect, test } from "bun:test";
import * as v from "valibot";
import { LiveEventSchema } from "../../src/shared/live-events.ts";
import { events, openEvents, type SseMessage, type SseReader } from "../support/sse.ts";
import { seedWorld } from "../support/teams.ts";

const w = await seedWorld();
afterAll(() => w.t.close());
const A = `/api/v1/teams/${w.a.team.id}`;
const B = `/api/v1/teams/${w.b.team.id}`;
const StrictEvent = v.strictObject(LiveEventSchema.entries);

type Seen = { type: string; teamId: string; itemId: string; noteId?: string };
/** The events a reader got up to (and including) the one naming `itemId` (the sentinel). */
async function seenUntil(sse: SseReader, itemId: string): Promise<Seen[]> {
  const got = events(await sse.until((m) => m.event !== undefined && JSON.parse(m.data!).itemId === itemId));
  return got.map((m: SseMessage) => {
    const data = v.parse(StrictEvent, JSON.parse(m.data!));
    expect(m.id).toBe(data.id);
    expect(m.event).toBe(data.type);
    const { id: _id, ...rest } = data;
    return rest;
  });
}

async function created(browser: typeof w.a.owner.browser, team: string, projectId: string, comment: string) {
  const res = await browser.post(`${team}/feedback`, { projectId, comment });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; version: number };
}

test("a member gets every kind of event of their team, and none of another team's", async () => {
  const { sse } = await openEvents(w.a.member.browser);
  await created(w.b.owner.browser, B, w.b.project.id, "beta's item");
  const item = await created(w.a.owner.browser, A, w.a.project.id, "alpha's new item");
  const triaged = await w.a.owner.browser.patch(
    `${A}/feedback/${item.id}`,
    { status: "in_progress" },
    { "If-Match": `"v${item.version}"` },
  );
  expect(triaged.status).toBe(200);
  const comment = await (await w.a.owner.browser.post(`${A}/feedback/${item.id}/comments`, { body: "note" })).json();
  const message = await (await w.a.owner.browser.post(`${A}/feedback/${item.id}/messages`, { body: "hi" })).json();
  expect((await w.a.owner.browser.delete(`${A}/feedback/${item.id}`)).status).toBe(200);
  expect((await w.a.owner.browser.post(`${A}/feedback/${item.id}/restore`)).status).toBe(200);
  const sentinel = await created(w.a.owner.browser, A, w.a.project.id, "the last one");
  const teamId = w.a.team.id;
  expect(await seenUntil(sse, sentinel.id)).toEqual([
    { type: "feedback.created", teamId, itemId: item.id },
    { type: "feedback.updated", teamId, itemId: item.id },
    { type: "comment.created", teamId, itemId: item.id, noteId: comment.id },
    { type: "message.created", teamId, itemId: item.id, noteId: message.id },
    { type: "feedback.updated", teamId, itemId: item.id },
    { type: "feedback.updated", teamId, itemId: item.id },
    { type: "feedback.created", teamId, itemId: sentinel.id },
  ]);
  await sse.cancel();
});

test("a reporter gets only their own items' events, and never an internal comment's", async () => {
  const { sse } = await openEvents(w.a.reporter.browser);
  const own = w.a.item.id;
  const others = await created(w.a.member.browser, A, w.a.project.id, "a member's item");
  expect((await w.a.member.browser.post(`${A}/feedback/${own}/comments`, { body: "internal" })).status).toBe(201);
  expect((await w.a.member.browser.post(`${A}/feedback/${others.id}/messages`, { body: "elsewhere" })).status).toBe(
    201,
  );
  const reply = await (await w.a.member.browser.post(`${A}/feedback/${own}/messages`, { body: "thanks!" })).json();
  const current = await (await w.a.member.browser.get(`${A}/feedback/${own}`)).json();
  expect(
    (
      await w.a.member.browser.patch(
        `${A}/feedback/${own}`,
        { status: "done" },
        { "If-Match": `"v${current.version}"` },
      )
    ).status,
  ).toBe(200);
  const mine = await created(w.a.reporter.browser, A, w.a.project.id, "my second report");
  const teamId = w.a.team.id;
  expect(await seenUntil(sse, mine.id)).toEqual([
    { type: "message.created", teamId, itemId: own, noteId: reply.id },
    { type: "feedback.updated", teamId, itemId: own },
    { type: "feedback.created", teamId, itemId: mine.id },
  ]);
  await sse.cancel();
});

test("an outsider gets nothing: another team's member, and the instance admin without support access", async () => {
  const outsider = await openEvents(w.b.member.browser);
  const admin = await openEvents(w.admin.browser);
  const item = await created(w.a.owner.browser, A, w.a.project.id, "alpha only");
  expect((await w.a.owner.browser.post(`${A}/feedback/${item.id}/comments`, { body: "secret" })).status).toBe(201);
  // The outsider's next event is their own team's; the admin's next message is the heartbeat.
  const sentinel = await created(w.b.owner.browser, B, w.b.project.id, "beta's");
  expect((await seenUntil(outsider.sse, sentinel.id)).map((e) => e.itemId)).toEqual([sentinel.id]);
  w.t.clock.advance(15_000);
  w.t.timers.runDue();
  expect(await admin.sse.until((m) => m.comment !== undefined)).toEqual([{ comment: "heartbeat" }]);
  // Support access granted by the owner opens the team's events to the admin's open stream at once.
  expect((await w.a.owner.browser.post(`${A}/support-access`, { hours: 2 })).status).toBe(200);
  const later = await created(w.a.owner.browser, A, w.a.project.id, "under support access");
  expect((await seenUntil(admin.sse, later.id)).map((e) => e.itemId)).toEqual([later.id]);
  expect((await w.a.owner.browser.delete(`${A}/support-access`)).status).toBe(200);
  await created(w.a.owner.browser, A, w.a.project.id, "after the grant");
  w.t.clock.advance(15_000);
  w.t.timers.runDue();
  expect(await admin.sse.until((m) => m.comment !== undefined)).toEqual([{ comment: "heartbeat" }]);
  await outsider.sse.cancel();
  await admin.sse.cancel();
});

test("widget submissions are published like any other", async () => {
  const { sse } = await openEvents(w.a.owner.browser);
  const res = await w.anonymous.request(
    "POST",
    `/api/v1/widget/${w.a.project.widgetKey}/feedback`,
    { comment: "from the widget", idempotencyId: crypto.randomUUID().replaceAll("-", "") },
    { Origin: w.a.siteOrigin },
  );
  expect(res.status).toBe(201);
  const id = ((await res.json()) as { id: string }).id;
  expect((await seenUntil(sse, id)).map((e) => [e.type, e.itemId])).toEqual([["feedback.created", id]]);
  await sse.cancel();
});

test("access is read at each delivery: a membership ended behind the services' back (another process) stops events at once", async () => {
  const { sse } = await openEvents(w.b.reporter.browser);
  // As a CLI command on the same data would: no signal reaches this process's streams.
  w.t.store.db.write(() =>
    w.t.store.db.run("DELETE FROM memberships WHERE team_id = ? AND user_id = ?", w.b.team.id, w.b.reporter.user.id),
  );
  // The reporter's own item changes (published as the feedback service does after commit).
  w.t.live.publish({ type: "feedback.updated", teamId: w.b.team.id, itemId: w.b.item.id });
  // The next heartbeat re-checks everything and ends the stream.
  w.t.clock.advance(15_000);
  w.t.timers.runDue();
  const rest = await sse.rest(1000);
  expect(rest).toEqual([
    { comment: "heartbeat" },
    { event: "session-ended", data: JSON.stringify({ reason: "membership_changed", teamId: w.b.team.id }) },
  ]);
});
