// An item's history (GET …/feedback/:itemId/history) comes from the HMAC-chained audit trail: every
// change of the item is recorded in the same transaction as the change, with what changed (ids and
// values only, never text a person wrote), readable by members and owners, never by the reporter.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { verifyAudit } from "../../src/services/audit/audit.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
let T: string;
beforeAll(async () => {
  w = await seedWorld();
  T = `/api/v1/teams/${w.a.team.id}`;
});
afterAll(() => w.t.close());

type Entry = {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  version: number | null;
  changes: Record<string, unknown>;
};

async function patch(itemId: string, changes: Record<string, unknown>) {
  const item = await (await w.a.member.browser.get(`${T}/feedback/${itemId}`)).json();
  const res = await w.a.member.browser.request("PATCH", `${T}/feedback/${itemId}`, changes, {
    "If-Match": `"v${item.version}"`,
  });
  expect(res.status).toBe(200);
  return res.json();
}

test("who changed what and when: created, status, assignee, labels, comment, message, trash and restore, newest first", async () => {
  const created = await (
    await w.a.reporter.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "Secret words of a person" })
  ).json();
  const I = `${T}/feedback/${created.id}`;
  w.t.clock.advance(60_000);
  await patch(created.id, { status: "in_progress", assigneeId: w.a.member.user.id });
  w.t.clock.advance(60_000);
  await patch(created.id, { labelIds: [w.a.label.id] });
  // Nothing changed: still one entry (the version moved), with no changes named.
  await patch(created.id, { status: "in_progress" });
  expect((await w.a.owner.browser.post(`${I}/comments`, { body: "internal words" })).status).toBe(201);
  expect((await w.a.member.browser.post(`${I}/messages`, { body: "reply words" })).status).toBe(201);
  expect((await w.a.owner.browser.delete(I)).status).toBe(200);
  expect((await w.a.owner.browser.post(`${I}/restore`, {})).status).toBe(200);
  await patch(created.id, { status: "done", assigneeId: null, labelIds: [] });

  const res = await w.a.member.browser.get(`${I}/history`);
  expect(res.status).toBe(200);
  const { entries, nextCursor } = (await res.json()) as { entries: Entry[]; nextCursor: string | null };
  expect(nextCursor).toBeNull();
  const { member, owner, reporter, label } = w.a;
  expect(entries.map((e) => [e.action, e.actorId, e.version, e.changes])).toEqual([
    [
      "feedback.triaged",
      member.user.id,
      7,
      {
        status: { from: "in_progress", to: "done" },
        assigneeId: { from: member.user.id, to: null },
        labels: { added: [], removed: [label.id] },
      },
    ],
    ["feedback.restored", owner.user.id, 6, {}],
    ["feedback.trashed", owner.user.id, 5, {}],
    ["feedback.message_added", member.user.id, null, {}],
    ["feedback.comment_added", owner.user.id, null, {}],
    ["feedback.triaged", member.user.id, 4, {}],
    ["feedback.triaged", member.user.id, 3, { labels: { added: [label.id], removed: [] } }],
    [
      "feedback.triaged",
      member.user.id,
      2,
      { status: { from: "new", to: "in_progress" }, assigneeId: { from: null, to: member.user.id } },
    ],
    ["feedback.created", reporter.user.id, null, {}],
  ]);
  // Each entry names the version the change made (comments and messages do not move it): the newest
  // is the item's own, so a stale editor can tell which changes came after the version they saw.
  expect((await (await w.a.member.browser.get(I)).json()).version).toBe(7);
  expect(Date.parse(entries.at(-1)!.at)).toBeLessThan(Date.parse(entries[0]!.at));

  // The chain still verifies, and the details are covered by the MAC: altering one is detected.
  expect(verifyAudit(w.t.ctx).ok).toBe(true);
  const stored = w.t.store.db.all<{ detail: string | null }>(
    "SELECT detail FROM audit_log WHERE target_id = ? ORDER BY seq",
    created.id,
  );
  const text = JSON.stringify(stored);
  for (const words of ["Secret words", "internal words", "reply words", w.a.member.email])
    expect(text).not.toContain(words);
  const seq = entries[0]!.seq;
  w.t.store.db.write(() =>
    w.t.store.db.run(
      'UPDATE audit_log SET detail = replace(detail, \'"to":"done"\', \'"to":"spam"\') WHERE seq = ?',
      seq,
    ),
  );
  expect(verifyAudit(w.t.ctx)).toMatchObject({ ok: false, firstBroken: { seq, reason: "entry_altered" } });
  w.t.store.db.write(() =>
    w.t.store.db.run(
      'UPDATE audit_log SET detail = replace(detail, \'"to":"spam"\', \'"to":"done"\') WHERE seq = ?',
      seq,
    ),
  );
  expect(verifyAudit(w.t.ctx).ok).toBe(true);
});

test("paged by cursor: every entry once; a bad cursor or limit names the field", async () => {
  const I = `${T}/feedback/${w.a.memberItem.id}`;
  for (let i = 0; i < 4; i++) await patch(w.a.memberItem.id, { status: i % 2 === 0 ? "in_progress" : "new" });
  const seen: number[] = [];
  let cursor: string | null = null;
  do {
    const page: { entries: Entry[]; nextCursor: string | null } = await (
      await w.a.owner.browser.get(`${I}/history?limit=2${cursor ? `&cursor=${cursor}` : ""}`)
    ).json();
    expect(page.entries.length).toBeLessThanOrEqual(2);
    seen.push(...page.entries.map((e) => e.seq));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toHaveLength(5); // created + four triage changes
  expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  for (const [query, field] of [
    ["cursor=abc", "cursor"],
    ["limit=-1", "limit"],
    ["since=1", "since"],
  ] as const) {
    const bad = await w.a.owner.browser.get(`${I}/history?${query}`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
  }
});

test("readable by members and owners, never by the reporter (even of their own item); other teams get 404", async () => {
  const I = `${T}/feedback/${w.a.item.id}`;
  expect((await w.a.owner.browser.get(`${I}/history`)).status).toBe(200);
  const refused = await w.a.reporter.browser.get(`${I}/history`);
  expect(refused.status).toBe(403);
  expect(JSON.stringify(await refused.json())).not.toContain("comment_added");
  expect((await w.b.owner.browser.get(`${I}/history`)).status).toBe(404);
  // An id of team B's item under team A's path: not found, not B's history.
  expect((await w.a.owner.browser.get(`${T}/feedback/${w.b.item.id}/history`)).status).toBe(404);
  expect((await w.anonymous.get(`${I}/history`)).status).toBe(401);
});
