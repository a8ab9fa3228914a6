// The live-update stream's protocol: who may open it (browser sessions from Loupe's own pages), a
// heartbeat whenever the scheduler says 15 s have passed, at most six streams per session (429
// problem+json beyond, a slot freed when a tab goes away), replay after a reconnect from Last-Event-ID
// (or a resync when that is impossible), and a clean end when the server stops.
import { afterAll, expect, test } from "bun:test";
import { HEARTBEAT_MS } from "../../src/services/live/bus.ts";
import { MAX_STREAMS_PER_SESSION } from "../../src/services/live/stream.ts";
import { secondBrowser } from "../support/accounts.ts";
import { events, openEvents, SseReader } from "../support/sse.ts";
import { seededWorlds } from "../support/teams.ts";

const worlds = await seededWorlds();
afterAll(() => worlds.close());

test("anonymous 401, an API token 403, another site's page 403; a session's stream answers at once", async () => {
  const w = worlds.next();
  expect((await w.anonymous.get("/api/v1/events")).status).toBe(401);
  expect((await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password })).status).toBe(200);
  const token = (await (await w.a.owner.browser.post("/api/v1/me/tokens", { name: "ci", scope: "read" })).json())
    .token as string;
  const withToken = await w.anonymous.get("/api/v1/events", { Authorization: `Bearer ${token}` });
  expect(withToken.status).toBe(403);
  expect((await withToken.json()).code).toBe("TOKEN_NOT_ALLOWED");
  for (const site of ["cross-site", "same-site"]) {
    const res = await w.a.owner.browser.get("/api/v1/events", { "Sec-Fetch-Site": site });
    expect(res.status).toBe(403);
    expect(res.headers.get("Content-Type")).toStartWith("application/problem+json");
    expect((await res.json()).code).toBe("CSRF_REJECTED");
  }
  const { res, sse } = await openEvents(w.a.owner.browser);
  expect(res.headers.get("Content-Type")).toBe("text/event-stream; charset=utf-8");
  // A signed-in answer is never stored (src/http/security-headers.ts), the stream included.
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(res.headers.get("X-Accel-Buffering")).toBe("no");
  await sse.cancel();
  w.t.close();
});

test("a heartbeat comes each time 15 s have passed, and not before", async () => {
  const w = worlds.next();
  expect(HEARTBEAT_MS).toBe(15_000);
  const { sse } = await openEvents(w.a.member.browser);
  w.t.clock.advance(14_999);
  expect(w.t.timers.runDue()).toBe(0);
  // Nothing came: the next message is an event published now.
  const item = await w.a.owner.browser.post(`/api/v1/teams/${w.a.team.id}/feedback`, {
    projectId: w.a.project.id,
    comment: "between beats",
  });
  expect(item.status).toBe(201);
  expect((await sse.next())?.event).toBe("feedback.created");
  for (let beat = 0; beat < 3; beat++) {
    w.t.clock.advance(15_000);
    w.t.timers.runDue();
    expect(await sse.next()).toEqual({ comment: "heartbeat" });
  }
  await sse.cancel();
  w.t.close();
});

test(`at most ${MAX_STREAMS_PER_SESSION} streams per session: the next is 429, a closed tab frees its slot, other sessions are apart`, async () => {
  const w = worlds.next();
  const open = [];
  for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) open.push(await openEvents(w.a.member.browser));
  const refused = await w.a.member.browser.get("/api/v1/events", { "Sec-Fetch-Site": "same-origin" });
  expect(refused.status).toBe(429);
  expect(refused.headers.get("Content-Type")).toStartWith("application/problem+json");
  expect((await refused.json()).code).toBe("TOO_MANY_STREAMS");
  // The same user signed in elsewhere has slots of their own.
  const elsewhere = await secondBrowser(w.t, w.a.member.email, w.a.member.password);
  const other = await openEvents(elsewhere);
  await open[0]!.sse.cancel();
  const again = await openEvents(w.a.member.browser);
  for (const s of [...open.slice(1), other, again]) await s.sse.cancel();
  // Ended streams (here by sign-out) give their slots back too.
  const afterCancel = [];
  for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) afterCancel.push(await openEvents(elsewhere));
  expect((await elsewhere.post("/api/v1/auth/logout")).status).toBe(200);
  for (const s of afterCancel) expect(events(await s.sse.rest(1000)).at(-1)?.event).toBe("session-ended");
  w.t.close();
});

test("a reconnect with Last-Event-ID gets what it missed (still checked); an unknown id asks for a resync", async () => {
  const w = worlds.next();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const post = async (who: typeof w.a.owner, comment: string) => {
    const res = await who.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  const first = await openEvents(w.a.reporter.browser);
  await post(w.a.reporter, "mine, seen live");
  const seen = await first.sse.next();
  await first.sse.cancel();
  const missedOwn = await post(w.a.reporter, "mine, missed");
  await post(w.a.member, "the member's, never for the reporter");
  const missedReply = await w.a.member.browser.post(`${T}/feedback/${missedOwn}/messages`, { body: "reply" });
  expect(missedReply.status).toBe(201);
  const back = await openEvents(w.a.reporter.browser, { "Last-Event-ID": seen!.id! });
  const replayed = events(await back.sse.until((m) => m.event === "message.created"));
  expect(replayed.map((m) => [m.event, JSON.parse(m.data!).itemId])).toEqual([
    ["feedback.created", missedOwn],
    ["message.created", missedOwn],
  ]);
  await back.sse.cancel();
  for (const lastId of ["nonsense", "otherrun.3", `${seen!.id!.split(".")[0]}.999999`]) {
    const lost = await openEvents(w.a.reporter.browser, { "Last-Event-ID": lastId });
    expect(await lost.sse.next()).toEqual({ event: "resync", data: "{}" });
    await lost.sse.cancel();
  }
  w.t.close();
});

test("when the server stops, open streams end without a session-ended (browsers reconnect)", async () => {
  const w = worlds.next();
  const { sse } = await openEvents(w.a.member.browser);
  w.t.live.close();
  expect(await sse.rest(1000)).toEqual([]);
  expect(sse.ended).toBe(true);
  w.t.close();
});

test("a browser that stops reading is dropped once far behind, and its slot freed", async () => {
  const w = worlds.next();
  const res = await w.a.member.browser.get("/api/v1/events", { "Sec-Fetch-Site": "same-origin" });
  expect(res.status).toBe(200);
  // Never read: 600 deliveries pile up behind the first write.
  for (let i = 0; i < 600; i++)
    w.t.live.publish({ type: "feedback.updated", teamId: w.a.team.id, itemId: w.a.memberItem.id });
  const sse = new SseReader(res);
  const all = await sse.rest(2000);
  expect(sse.ended).toBe(true);
  expect(events(all).length).toBeLessThan(600);
  for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) await openEvents(w.a.member.browser);
  w.t.close();
});
