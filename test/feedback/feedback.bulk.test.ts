// The inbox's bulk change (POST /teams/:teamId/feedback/bulk): one transaction over up to 100 items,
// each checked as a single change is. A member changes status, assignee and labels of many items at
// once (an audit entry per item, a new version each); a reporter is refused; another team's ids are
// answered NOT_FOUND and nothing of that team changes; 101 ids are refused naming `ids`.
import { expect, test } from "bun:test";
import { seedItems, seedWorld } from "../support/teams.ts";

type Item = { id: string; status: string; assigneeId: string | null; labelIds: string[]; version: number };

test("a member closes, assigns and labels four items in one request; each gets a new version and an audit entry", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  seedItems(w.t, w.a.team.id, w.a.project.id, w.a.reporter.user.id, 3, (i) => `bulk item ${i}`);
  const listed = (await (await w.a.member.browser.get(`${T}/feedback?limit=10`)).json()).items as Item[];
  const ids = listed.filter((i) => i.id !== w.a.memberItem.id).map((i) => i.id);
  expect(ids).toHaveLength(4);
  const other = await (await w.a.member.browser.post(`${T}/labels`, { name: "ux", color: "#8250df" })).json();
  // Open inboxes and item views hear of each change, as of a single one.
  const published: { type: string; itemId?: string }[] = [];
  const publish = w.t.live.publish.bind(w.t.live);
  w.t.live.publish = (event) => {
    published.push(event);
    publish(event);
  };
  const res = await w.a.member.browser.post(`${T}/feedback/bulk`, {
    ids: [...ids, ids[0]],
    status: "closed",
    assigneeId: w.a.member.user.id,
    addLabelIds: [w.a.label.id, other.id],
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ updated: ids, failed: [] });
  for (const before of listed.filter((i) => ids.includes(i.id))) {
    const after: Item = await (await w.a.member.browser.get(`${T}/feedback/${before.id}`)).json();
    expect(after.status).toBe("closed");
    expect(after.assigneeId).toBe(w.a.member.user.id);
    expect(after.labelIds.sort()).toEqual([w.a.label.id, other.id].sort());
    expect(after.version).toBe(before.version + 1);
  }
  const audit = w.t.store.db.all<{ target_id: string }>(
    "SELECT target_id FROM audit_log WHERE action = 'feedback.triaged' AND team_id = ?",
    w.a.team.id,
  );
  expect(audit.map((a) => a.target_id).sort()).toEqual([...ids].sort());
  expect(
    published
      .filter((e) => e.type === "feedback.updated")
      .map((e) => e.itemId)
      .sort(),
  ).toEqual([...ids].sort());
  // Each item's history says what the bulk change did, as a single change would.
  const history = await (await w.a.member.browser.get(`${T}/feedback/${ids[0]}/history`)).json();
  expect(history.entries[0]).toMatchObject({
    action: "feedback.triaged",
    changes: { status: { from: "new", to: "closed" }, assigneeId: { from: null, to: w.a.member.user.id } },
  });
  expect([...history.entries[0].changes.labels.added].sort()).toEqual([w.a.label.id, other.id].sort());
  // The untouched item stayed as it was.
  const untouched: Item = await (await w.a.member.browser.get(`${T}/feedback/${w.a.memberItem.id}`)).json();
  expect(untouched.status).toBe("new");

  // Removing one label and unassigning; then the trash.
  const removed = await w.a.owner.browser.post(`${T}/feedback/bulk`, {
    ids: ids.slice(0, 2),
    assigneeId: null,
    removeLabelIds: [other.id],
  });
  expect((await removed.json()).updated).toEqual(ids.slice(0, 2));
  const first: Item = await (await w.a.member.browser.get(`${T}/feedback/${ids[0]}`)).json();
  expect(first.labelIds).toEqual([w.a.label.id]);
  expect(first.assigneeId).toBeNull();
  expect(first.status).toBe("closed");
  const trashed = await w.a.member.browser.post(`${T}/feedback/bulk`, { ids: ids.slice(0, 2), trash: true });
  expect((await trashed.json()).updated).toEqual(ids.slice(0, 2));
  const live = (await (await w.a.member.browser.get(`${T}/feedback?limit=10`)).json()).items as Item[];
  expect(live.map((i) => i.id)).not.toContain(ids[0]);
  const bin = (await (await w.a.member.browser.get(`${T}/feedback?trash=1`)).json()).items as Item[];
  expect(bin.map((i) => i.id).sort()).toEqual(ids.slice(0, 2).sort());
  // Items in the trash are not live: a second bulk change does not reach them.
  const again = await w.a.member.browser.post(`${T}/feedback/bulk`, { ids: [ids[0]], status: "new" });
  expect(await again.json()).toEqual({ updated: [], failed: [{ id: ids[0], code: "NOT_FOUND" }] });
  w.t.close();
});

test("a reporter is refused (403); another team's ids are NOT_FOUND and that team is unchanged", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const reporter = await w.a.reporter.browser.post(`${T}/feedback/bulk`, { ids: [w.a.item.id], status: "done" });
  expect(reporter.status).toBe(403);
  expect((await reporter.json()).code).toBe("FORBIDDEN");
  const teamB = () =>
    JSON.stringify(
      w.t.store.db.all(
        "SELECT id, status, assignee_user_id, version, deleted_at FROM feedback_items WHERE team_id = ? ORDER BY id",
        w.b.team.id,
      ),
    ) +
    JSON.stringify(w.t.store.db.all("SELECT * FROM feedback_labels WHERE team_id = ? ORDER BY item_id", w.b.team.id));
  const before = teamB();
  const mixed = await w.a.member.browser.post(`${T}/feedback/bulk`, {
    ids: [w.a.item.id, w.b.item.id, w.b.memberItem.id],
    status: "spam",
    trash: true,
  });
  expect(mixed.status).toBe(200);
  expect(await mixed.json()).toEqual({
    updated: [w.a.item.id],
    failed: [
      { id: w.b.item.id, code: "NOT_FOUND" },
      { id: w.b.memberItem.id, code: "NOT_FOUND" },
    ],
  });
  expect(teamB()).toBe(before);
  // Team B's route is not a way in either.
  const outsider = await w.a.member.browser.post(`/api/v1/teams/${w.b.team.id}/feedback/bulk`, {
    ids: [w.b.item.id],
    status: "spam",
  });
  expect(outsider.status).toBe(404);
  expect(teamB()).toBe(before);
  w.t.close();
});

test("bad input is refused naming the field: 101 ids, no change, a reporter as assignee, another team's label", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const bulk = (body: unknown) => w.a.member.browser.post(`${T}/feedback/bulk`, body);
  const fieldOf = async (res: Response) => {
    expect(res.status).toBe(400);
    return ((await res.json()).errors as { field: string }[]).map((e) => e.field);
  };
  const many = Array.from({ length: 101 }, (_, i) => `item${String(i).padStart(16, "0")}`);
  expect(await fieldOf(await bulk({ ids: many, status: "done" }))).toEqual(["ids"]);
  expect(await fieldOf(await bulk({ ids: [], status: "done" }))).toEqual(["ids"]);
  expect(await fieldOf(await bulk({ ids: [w.a.item.id] }))).toEqual(["ids"]);
  expect(await fieldOf(await bulk({ ids: [w.a.item.id], status: "finished" }))).toEqual(["status"]);
  expect(await fieldOf(await bulk({ ids: [w.a.item.id], trash: false }))).toEqual(["trash"]);
  expect(await fieldOf(await bulk({ ids: [w.a.item.id], assigneeId: w.a.reporter.user.id }))).toEqual(["assigneeId"]);
  expect(await fieldOf(await bulk({ ids: [w.a.item.id], addLabelIds: [w.b.label.id] }))).toEqual(["addLabelIds"]);
  expect(
    await fieldOf(await bulk({ ids: [w.a.item.id], addLabelIds: [w.a.label.id], removeLabelIds: [w.a.label.id] })),
  ).toEqual(["removeLabelIds"]);
  // Nothing changed through any of them.
  const item = await (await w.a.member.browser.get(`${T}/feedback/${w.a.item.id}`)).json();
  expect(item.version).toBe(1);
  expect(item.status).toBe("new");
  // 100 ids is the limit, not past it (unknown ones are answered per item).
  const hundred = await bulk({ ids: [w.a.item.id, ...many.slice(0, 99)], status: "in_progress" });
  expect(hundred.status).toBe(200);
  const answer = await hundred.json();
  expect(answer.updated).toEqual([w.a.item.id]);
  expect(answer.failed).toHaveLength(99);
  w.t.close();
});
