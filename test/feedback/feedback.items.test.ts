// Feedback items: filters and cursor pagination, If-Match (412 stale, 428 missing), the 30-day trash
// (restore, then purge — gone from the database file too), a reporter's view (own items, messages,
// never internal comments, also in search), and validation that names the field.
import { expect, test } from "bun:test";
import { runDailyRetention } from "../../src/services/retention.ts";
import { decryptedPagesWith } from "../support/decrypted-pages.ts";
import { seedItems, seedWorld } from "../support/teams.ts";

test("filters and cursor pagination walk every item once, newest first", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  seedItems(w.t, w.a.team.id, w.a.project.id, w.a.reporter.user.id, 25, (i) => `bulk ${i}`);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; createdAt: string }[]; nextCursor: string | null } = await (
      await w.a.member.browser.get(`${T}/feedback?limit=7${cursor ? `&cursor=${cursor}` : ""}`)
    ).json();
    seen.push(...page.items.map((i) => i.id));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen.length).toBe(27);
  expect(new Set(seen).size).toBe(27);
  // Filters: status and label.
  const item = await (await w.a.member.browser.get(`${T}/feedback/${w.a.item.id}`)).json();
  const patched = await w.a.member.browser.request(
    "PATCH",
    `${T}/feedback/${w.a.item.id}`,
    { status: "done", labelIds: [w.a.label.id], assigneeId: w.a.member.user.id },
    { "If-Match": `"v${item.version}"` },
  );
  expect(patched.status).toBe(200);
  expect(patched.headers.get("ETag")).toBe(`"v${item.version + 1}"`);
  const done = await (await w.a.member.browser.get(`${T}/feedback?status=done`)).json();
  expect(done.items.map((i: { id: string }) => i.id)).toEqual([w.a.item.id]);
  const labelled = await (
    await w.a.member.browser.get(`${T}/feedback?labelId=${w.a.label.id}&assigneeId=${w.a.member.user.id}`)
  ).json();
  expect(labelled.items).toHaveLength(1);
  expect(labelled.items[0].labelIds).toEqual([w.a.label.id]);
  const bad = await w.a.member.browser.get(`${T}/feedback?status=finished`);
  expect(bad.status).toBe(400);
  expect((await bad.json()).errors[0].field).toBe("status");
  w.t.close();
});

test("If-Match: a stale version is 412, a missing one 428; an assignee must be a member; labels must be the team's", async () => {
  const w = await seedWorld();
  const url = `/api/v1/teams/${w.a.team.id}/feedback/${w.a.item.id}`;
  expect((await w.a.member.browser.patch(url, { status: "in_progress" })).status).toBe(428);
  expect(
    (await w.a.member.browser.request("PATCH", url, { status: "in_progress" }, { "If-Match": '"v1"' })).status,
  ).toBe(200);
  const stale = await w.a.owner.browser.request("PATCH", url, { status: "closed" }, { "If-Match": '"v1"' });
  expect(stale.status).toBe(412);
  expect((await stale.json()).code).toBe("VERSION_CONFLICT");
  const reporterAsAssignee = await w.a.member.browser.request(
    "PATCH",
    url,
    { assigneeId: w.a.reporter.user.id },
    { "If-Match": '"v2"' },
  );
  expect(reporterAsAssignee.status).toBe(400);
  expect((await reporterAsAssignee.json()).errors[0].field).toBe("assigneeId");
  const foreignLabel = await w.a.member.browser.request(
    "PATCH",
    url,
    { labelIds: [w.b.label.id] },
    { "If-Match": '"v2"' },
  );
  expect(foreignLabel.status).toBe(400);
  w.t.close();
});

test("trash: restorable, then purged after 30 days — gone from the database file too (T-L4)", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  // The comment as written, and a single token as the search index stores it.
  const canaries = ["PURGE-CANARY-1234", "qxpurgecanary"];
  const created = await (
    await w.a.member.browser.post(`${T}/feedback`, {
      projectId: w.a.project.id,
      comment: `${canaries[0]} ${canaries[1]} to be deleted`,
    })
  ).json();
  // The scan of the decrypted pages finds both first (so finding nothing later means something).
  for (const canary of canaries) expect(decryptedPagesWith(w.t.store.db, canary).length).toBeGreaterThan(0);
  expect((await w.a.member.browser.delete(`${T}/feedback/${created.id}`)).status).toBe(200);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(200);
  const trash = await (await w.a.member.browser.get(`${T}/feedback?trash=1`)).json();
  expect(trash.items.map((i: { id: string }) => i.id)).toEqual([created.id]);
  expect((await w.a.member.browser.post(`${T}/feedback/${created.id}/restore`)).status).toBe(200);
  expect((await w.a.member.browser.delete(`${T}/feedback/${created.id}`)).status).toBe(200);
  w.t.clock.advance(29 * 86_400_000);
  expect(runDailyRetention(w.t.ctx).trashPurged).toBe(0);
  w.t.clock.advance(2 * 86_400_000);
  expect(runDailyRetention(w.t.ctx).trashPurged).toBe(1);
  expect(w.t.store.db.get("SELECT id FROM feedback_items WHERE id = ?", created.id)).toBeUndefined();
  // The files are encrypted, so a grep of them proves nothing: scan the decrypted pages (WAL checkpointed in).
  for (const canary of canaries)
    expect({ canary, pages: decryptedPagesWith(w.t.store.db, canary) }).toEqual({ canary, pages: [] });
  expect(w.t.store.db.get("SELECT item_id FROM feedback_search WHERE item_id = ?", created.id)).toBeUndefined();
  w.t.close();
});

test("a reporter sees only their items and messages, never internal comments — in search too", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const other = await (await import("../support/accounts.ts")).signedInUser(w.t, {
    email: "second.reporter@example.test",
  });
  const invite = await (
    await w.a.owner.browser.post(`${T}/invitations`, { email: other.email, role: "reporter" })
  ).json();
  await other.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.replace("#token=", "") });
  const theirs = await (
    await other.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "second reporter's own item" })
  ).json();

  const mine = await (await w.a.reporter.browser.get(`${T}/feedback`)).json();
  expect(mine.items.map((i: { id: string }) => i.id)).toEqual([w.a.item.id]);
  expect((await w.a.reporter.browser.get(`${T}/feedback/${theirs.id}`)).status).toBe(404);
  expect((await w.a.reporter.browser.get(`${T}/feedback/${w.a.memberItem.id}`)).status).toBe(404);
  expect((await w.a.reporter.browser.get(`${T}/feedback/${theirs.id}/messages`)).status).toBe(404);
  const messages = await (await w.a.reporter.browser.get(`${T}/feedback/${w.a.item.id}/messages`)).json();
  expect(messages.messages.map((m: { body: string }) => m.body)).toEqual(["alpha hello reporter"]);
  expect((await w.a.reporter.browser.get(`${T}/feedback/${w.a.item.id}/comments`)).status).toBe(403);
  // Search: the internal note's word finds the item for a member, not for the reporter.
  const memberHit = await (await w.a.member.browser.get(`${T}/feedback/search?q=internal`)).json();
  expect(memberHit.items.map((i: { id: string }) => i.id)).toEqual([w.a.item.id]);
  expect((await (await w.a.reporter.browser.get(`${T}/feedback/search?q=internal`)).json()).items).toEqual([]);
  expect(
    (await (await w.a.reporter.browser.get(`${T}/feedback/search?q=hello`)).json()).items.map(
      (i: { id: string }) => i.id,
    ),
  ).toEqual([w.a.item.id]);
  expect((await (await w.a.reporter.browser.get(`${T}/feedback/search?q=second`)).json()).items).toEqual([]);
  // FTS syntax from outside is just words.
  expect(
    (await w.a.member.browser.get(`${T}/feedback/search?q=${encodeURIComponent('"hello" OR internal_text:* NEAR(')}`))
      .status,
  ).toBe(200);
  w.t.close();
});

test("creation validates every field and names it", async () => {
  const w = await seedWorld();
  const res = await w.a.reporter.browser.post(`/api/v1/teams/${w.a.team.id}/feedback`, {
    projectId: w.b.project.id,
    comment: "",
    rating: { scale: "nps", value: 11 },
    pageUrl: "javascript:alert(1)",
    metadata: { big: "x".repeat(20_000) },
  });
  expect(res.status).toBe(400);
  const fields = (await res.json()).errors.map((e: { field: string }) => e.field).sort();
  expect(fields).toEqual(["comment", "metadata", "pageUrl", "rating"]);
  const foreignProject = await w.a.reporter.browser.post(`/api/v1/teams/${w.a.team.id}/feedback`, {
    projectId: w.b.project.id,
    comment: "x",
  });
  expect(foreignProject.status).toBe(400);
  expect((await foreignProject.json()).errors[0].field).toBe("projectId");
  w.t.close();
});
