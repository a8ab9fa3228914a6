// The inbox's queries through the API: every filter narrows (assignee `none`, label, rating range,
// date range, has screenshot), the orders (newest, oldest, rating either way) walk every item once
// through a cursor that refuses another order's; search takes the same filters and pages; and the
// inbox across the caller's teams applies each team's rules (a reporter there sees only their own
// items, never internal comments) and leaves out a team whose policy the sign-in does not meet.
import { expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm, png } from "../support/images.ts";
import { seedWorld } from "../support/teams.ts";

type Item = {
  id: string;
  teamId: string;
  comment: string;
  rating: { value: number } | null;
  createdAt: string;
  hasScreenshot: boolean;
};
type Page = { items: Item[]; nextCursor: string | null; skippedTeams?: { teamId: string; code: string }[] };

async function walk(get: (path: string) => Promise<Response>, path: string, limit = 2): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    const page: Page = await res.json();
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

test("each filter narrows, each order walks every item once; a cursor of another order is refused", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const get = (path: string) => w.a.member.browser.get(path);
  const submit = async (comment: string, rating?: number, shot = false) => {
    w.t.clock.advance(60_000);
    const data = {
      projectId: w.a.project.id,
      comment,
      ...(rating ? { rating: { scale: "stars", value: rating } } : {}),
    };
    const res = await w.a.member.browser.post(`${T}/feedback`, shot ? feedbackForm(data, { bytes: png(4, 3) }) : data);
    expect(res.status).toBe(201);
    return (await res.json()).id as string;
  };
  const ids = async (query: string) => (await walk(get, `${T}/feedback${query}`)).map((i) => i.id);
  // The seeded two (w.a.item has a screenshot, w.a.memberItem has neither) are the oldest, made in
  // the same millisecond: their id decides between them.
  const seeded = await ids("?sort=oldest");
  expect([...seeded].sort()).toEqual([w.a.item.id, w.a.memberItem.id].sort());
  const low = await submit("rated one", 1);
  const high = await submit("rated five", 5, true);
  const mid = await submit("rated three", 3);
  const alsoHigh = await submit("rated five again", 5);
  const midday = new Date(w.t.clock.now() + 30_000).toISOString();
  const late = await submit("unrated, later");
  const all = [...seeded, low, high, mid, alsoHigh, late];
  expect(await ids("")).toEqual([...all].reverse());
  expect(await ids("?sort=newest")).toEqual([...all].reverse());
  expect(await ids("?sort=oldest")).toEqual(all);
  // Lowest first, the newest first among equals, unrated last (newest first).
  expect(await ids("?sort=rating")).toEqual([low, mid, alsoHigh, high, late, ...[...seeded].reverse()]);
  expect(await ids("?sort=rating_desc")).toEqual([alsoHigh, high, mid, low, late, ...[...seeded].reverse()]);

  expect(await ids("?ratingMin=3&ratingMax=4")).toEqual([mid]);
  expect(await ids("?ratingMin=5&sort=rating")).toEqual([alsoHigh, high]);
  expect(await ids("?hasScreenshot=1")).toEqual([high, w.a.item.id]);
  expect((await ids("?hasScreenshot=0")).sort()).toEqual(all.filter((i) => i !== high && i !== w.a.item.id).sort());
  expect(await ids(`?from=${encodeURIComponent(midday)}`)).toEqual([late]);
  expect(await ids(`?to=${encodeURIComponent(midday)}&sort=oldest`)).toEqual(all.slice(0, -1));

  // Assignee and label, through the bulk change; `none` is nobody's.
  await w.a.member.browser.post(`${T}/feedback/bulk`, {
    ids: [low, mid],
    assigneeId: w.a.owner.user.id,
    addLabelIds: [w.a.label.id],
  });
  expect(await ids(`?assigneeId=${w.a.owner.user.id}`)).toEqual([mid, low]);
  expect((await ids("?assigneeId=none")).sort()).toEqual(all.filter((i) => i !== low && i !== mid).sort());
  expect(await ids(`?labelId=${w.a.label.id}&sort=rating_desc`)).toEqual([mid, low]);
  expect(await ids(`?labelId=${w.a.label.id}&assigneeId=none`)).toEqual([]);

  // A cursor keeps its order; another order's cursor is refused, naming it.
  const first: Page = await (await get(`${T}/feedback?sort=rating&limit=2`)).json();
  expect(first.nextCursor).not.toBeNull();
  const wrong = await get(`${T}/feedback?sort=oldest&cursor=${first.nextCursor}`);
  expect(wrong.status).toBe(400);
  expect((await wrong.json()).errors[0].field).toBe("cursor");
  const forged = await get(`${T}/feedback?cursor=${Buffer.from("newest:x:y:z").toString("base64url")}`);
  expect(forged.status).toBe(400);
  for (const [query, field] of [
    ["?sort=best", "sort"],
    ["?hasScreenshot=yes", "hasScreenshot"],
    ["?assigneeId=nobody", "assigneeId"],
    ["?ratingMin=abc", "ratingMin"],
  ]) {
    const res = await get(`${T}/feedback${query}`);
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].field).toBe(field);
  }
  w.t.close();
});

test("search takes the list's filters and pages; a reporter's search stays their own", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const made: string[] = [];
  for (let i = 0; i < 7; i++) {
    w.t.clock.advance(60_000);
    const res = await w.a.member.browser.post(`${T}/feedback`, {
      projectId: w.a.project.id,
      comment: `checkout fails ${i}`,
      rating: { scale: "stars", value: (i % 5) + 1 },
    });
    made.push((await res.json()).id);
  }
  await w.a.member.browser.post(`${T}/feedback/bulk`, { ids: made.slice(0, 3), status: "done" });
  const search = (query: string) =>
    walk((p) => w.a.member.browser.get(p), `${T}/feedback/search?q=checkout${query}`, 2);
  expect((await search("")).map((i) => i.id).sort()).toEqual([...made].sort());
  expect((await search("&status=done")).map((i) => i.id).sort()).toEqual(made.slice(0, 3).sort());
  expect((await search("&status=new&sort=oldest")).map((i) => i.id)).toEqual(made.slice(3));
  expect((await search("&ratingMax=2&sort=rating_desc")).map((i) => i.rating?.value)).toEqual([2, 2, 1, 1]);
  // Reporters: only their own items, and internal comments never match.
  const internal = await (await w.a.reporter.browser.get(`${T}/feedback/search?q=internal`)).json();
  expect(internal.items).toEqual([]);
  const own = await (await w.a.reporter.browser.get(`${T}/feedback/search?q=alpha`)).json();
  expect(own.items.map((i: Item) => i.id)).toEqual([w.a.item.id]);
  const memberSees = await (await w.a.member.browser.get(`${T}/feedback/search?q=internal`)).json();
  expect(memberSees.items.map((i: Item) => i.id)).toEqual([w.a.item.id]);
  w.t.close();
});

test("across teams: each team's rules apply, the pages merge in order, a team whose policy is unmet is named", async () => {
  const w = await seedWorld();
  // A's member is also a reporter in team B.
  const invite = await (
    await w.b.owner.browser.post(`/api/v1/teams/${w.b.team.id}/invitations`, {
      email: w.a.member.email,
      role: "reporter",
    })
  ).json();
  const joined = await w.a.member.browser.post("/api/v1/invitations/accept", {
    token: new URL(invite.url).hash.replace("#token=", ""),
  });
  expect(joined.status).toBe(200);
  w.t.clock.advance(60_000);
  const mine = await (
    await w.a.member.browser.post(`/api/v1/teams/${w.b.team.id}/feedback`, {
      projectId: w.b.project.id,
      comment: "beta: reported by alpha's member",
    })
  ).json();
  const get = (p: string) => w.a.member.browser.get(p);
  // A's live items (all of them: a member there, in A's own order) and, of B, only this user's item.
  const inA = (await walk(get, `/api/v1/teams/${w.a.team.id}/feedback`)).map((i) => i.id);
  expect([...inA].sort()).toEqual([w.a.item.id, w.a.memberItem.id].sort());
  const across = await walk(get, "/api/v1/feedback", 1);
  expect(across.map((i) => i.id)).toEqual([mine.id, ...inA]);
  expect(across.map((i) => i.teamId)).toEqual([w.b.team.id, w.a.team.id, w.a.team.id]);
  expect((await walk(get, "/api/v1/feedback?sort=oldest", 2)).map((i) => i.id)).toEqual(
    [...inA].reverse().concat(mine.id),
  );
  expect((await walk(get, `/api/v1/feedback?projectId=${w.b.project.id}`)).map((i) => i.id)).toEqual([mine.id]);
  expect((await walk(get, "/api/v1/feedback?hasScreenshot=1")).map((i) => i.id)).toEqual([w.a.item.id]);
  // Search across: A's internal comments match for its member; B's never do for B's reporter.
  const internal = await walk(get, "/api/v1/feedback/search?q=internal");
  expect(internal.map((i) => i.id)).toEqual([w.a.item.id]);
  // "member": A's member item and this user's own item in B — never B's member item.
  const members = await walk(get, "/api/v1/feedback/search?q=member&sort=newest");
  expect(members.map((i) => i.id)).toEqual([mine.id, w.a.memberItem.id]);
  // B now requires MFA, which this user has not set up: B is left out, and named.
  w.t.store.db.write(() => w.t.store.db.run("UPDATE teams SET mfa_required = 1 WHERE id = ?", w.b.team.id));
  const page: Page = await (await get("/api/v1/feedback")).json();
  expect(page.items.map((i) => i.id)).toEqual(inA);
  expect(page.skippedTeams).toEqual([{ teamId: w.b.team.id, code: "MFA_ENROLMENT_REQUIRED" }]);
  // No team at all: an empty inbox, not an error.
  const loner = await signedInUser(w.t);
  expect(await (await loner.browser.get("/api/v1/feedback")).json()).toEqual({
    items: [],
    nextCursor: null,
    skippedTeams: [],
  });
  expect((await w.anonymous.get("/api/v1/feedback")).status).toBe(401);
  w.t.close();
});
