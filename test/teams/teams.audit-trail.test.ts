// A team's audit trail, for its owners only: filtered by actor, action (or a whole group) and time
// range, paged without gaps or repeats, with the names the owners can read anyway; exported as CSV
// whose cells cannot run as spreadsheet formulas, or as JSON, page by page, and the export is itself
// recorded. Members get 403, other teams 404; bad filters are 400 naming the field.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { appendAudit } from "../../src/services/audit/audit.ts";
import { exportTeamAudit } from "../../src/services/teams/audit-trail.ts";
import { findTeam } from "../../src/store/teams.ts";
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
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetId: string | null;
  targetName: string | null;
};

async function page(query: string): Promise<{ entries: Entry[]; nextBefore: string | null }> {
  const res = await w.a.owner.browser.get(`${T}/audit${query}`);
  if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

test("filters: one action, a whole group, one actor, a time range; names of members and things", async () => {
  await w.a.owner.browser.patch(`${T}/members/${w.a.member.user.id}`, { role: "reporter" });
  await w.a.owner.browser.patch(`${T}/members/${w.a.member.user.id}`, { role: "member" });
  await w.a.owner.browser.post(`${T}/support-access`, { hours: 2 });

  const changed = await page("?action=member.role_changed");
  expect(changed.entries).toHaveLength(2);
  for (const e of changed.entries) {
    expect(e.action).toBe("member.role_changed");
    expect(e.actorId).toBe(w.a.owner.user.id);
    expect(e.actorEmail).toBe(w.a.owner.email);
    expect(e.actorName).toBe("Test User");
    expect(e.targetId).toBe(w.a.member.user.id);
    expect(e.targetName).toBe("Test User");
  }
  // A group is every action of it (`member.` as a prefix), nothing else.
  const group = await page("?action=member");
  expect(new Set(group.entries.map((e) => e.action))).toEqual(new Set(["member.added", "member.role_changed"]));
  // `support_access` is compared as text: its `_` is no wildcard.
  expect((await page("?action=support_access")).entries.map((e) => e.action)).toEqual(["support_access.granted"]);
  // The label's and the invitation's names come along.
  const label = (await page("?action=label.created")).entries[0]!;
  expect(label.targetName).toBe("bug");
  const invited = (await page("?action=invitation.created")).entries.map((e) => e.targetName);
  expect(invited).toContain("alpha.pending@example.test");

  const mine = await page(`?actor=${w.a.member.user.id}`);
  expect(mine.entries.length).toBeGreaterThan(0);
  expect(mine.entries.every((e) => e.actorId === w.a.member.user.id)).toBe(true);

  // Ten minutes later: the range splits the trail exactly at the boundary.
  const boundary = new Date(w.t.clock.now() + 5 * 60_000).toISOString();
  w.t.clock.advance(10 * 60_000);
  await w.a.owner.browser.post(`${T}/labels`, { name: "later", color: "#00aa00" });
  const after = await page(`?from=${encodeURIComponent(boundary)}`);
  expect(after.entries.map((e) => e.action)).toEqual(["label.created"]);
  expect(after.entries[0]!.targetName).toBe("later");
  const before = await page(`?to=${encodeURIComponent(boundary)}&action=label`);
  expect(before.entries.map((e) => e.targetName)).toEqual(["bug"]);
  // A date alone is that UTC day's start.
  const tomorrow = new Date(w.t.clock.now() + 86_400_000).toISOString().slice(0, 10);
  expect((await page(`?from=${tomorrow}`)).entries).toEqual([]);
  expect((await page(`?to=${tomorrow}&action=label`)).entries.map((e) => e.targetName)).toEqual(["later", "bug"]);
});

test("paging: every entry once, newest first, until nextBefore is null", async () => {
  const all = await page("?limit=500");
  expect(all.nextBefore).toBeNull();
  const seen: number[] = [];
  let before: string | null = null;
  do {
    const p = await page(`?limit=3${before ? `&before=${before}` : ""}`);
    expect(p.entries.length).toBeLessThanOrEqual(3);
    seen.push(...p.entries.map((e) => e.seq));
    before = p.nextBefore;
  } while (before);
  expect(seen).toEqual(all.entries.map((e) => e.seq));
  expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  expect(new Set(seen).size).toBe(seen.length);
  // Only team A's entries, never the instance trail's or team B's.
  const teams = new Set(all.entries.map((e) => (e as Entry & { teamId: string }).teamId));
  expect([...teams]).toEqual([w.a.team.id]);
});

test("bad filters are 400 naming the field; members 403; other teams 404", async () => {
  for (const [query, field] of [
    ["?from=yesterday", "from"],
    ["?to=2026-13-45", "to"],
    ["?from=2026-02-01&to=2026-01-01", "to"],
    ["?limit=0", "limit"],
    ["?limit=501", "limit"],
    ["?action=DROP%20TABLE", "action"],
    ["?actor=x", "actor"],
    ["?before=-1", "before"],
    ["?format=csv", "format"],
  ] as const) {
    const res = await w.a.owner.browser.get(`${T}/audit${query}`);
    expect(res.status).toBe(400);
    const problem = await res.json();
    expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  expect((await w.a.owner.browser.get(`${T}/audit/export?format=xml`)).status).toBe(400);
  for (const path of [`${T}/audit`, `${T}/audit/export?format=csv`, `${T}/audit/export?format=json`]) {
    expect((await w.a.member.browser.get(path)).status).toBe(403);
    expect((await w.a.reporter.browser.get(path)).status).toBe(403);
    expect((await w.b.owner.browser.get(path)).status).toBe(404);
  }
});

test("CSV export: every matching entry, formula-looking cells start with an apostrophe, recorded in the trail", async () => {
  // Names an attacker controls, each starting like a formula.
  for (const name of ['=HYPERLINK("https://evil.example","x")', "+SUM(1,2)", "-2+3", "@cmd"]) {
    const res = await w.a.member.browser.post(`${T}/labels`, { name, color: "#112233" });
    expect(res.status).toBe(201);
  }
  const res = await w.a.owner.browser.get(`${T}/audit/export?format=csv&action=label.created`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
  expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="loupe-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
  const csv = await res.text();
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toBe('"seq","at","actorId","actorName","actorEmail","action","targetId","targetName"');
  expect(lines).toHaveLength(1 + 6);
  expect(csv).toContain('"\'=HYPERLINK(""https://evil.example"",""x"")"');
  expect(csv).toContain('"\'+SUM(1,2)"');
  expect(csv).toContain('"\'-2+3"');
  expect(csv).toContain('"\'@cmd"');
  expect(csv).not.toMatch(/(^|,)"[=+\-@]/m);
  const exported = await page("?action=audit.exported");
  expect(exported.entries[0]!.actorId).toBe(w.a.owner.user.id);
});

test("JSON export: the filters it was made with and the matching entries, team B's never", async () => {
  const res = await w.a.owner.browser.get(`${T}/audit/export?format=json&actor=${w.a.member.user.id}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Disposition")).toMatch(/attachment; filename="loupe-audit-.*\.json"/);
  const text = await res.text();
  const data = JSON.parse(text);
  expect(data.format).toBe("loupe-audit-export");
  expect(data.team).toEqual({ id: w.a.team.id, name: "alpha" });
  expect(data.filters).toEqual({ actor: w.a.member.user.id });
  expect(data.entries.length).toBeGreaterThan(4);
  expect(data.entries.every((e: Entry) => e.actorId === w.a.member.user.id)).toBe(true);
  expect(text).not.toContain(w.b.team.id);
  // Without filters the export holds the whole trail (nothing left out by a page limit).
  const whole = await (await w.a.owner.browser.get(`${T}/audit/export`)).json();
  const count = w.t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log WHERE team_id = ?", w.a.team.id)!;
  expect(whole.entries).toHaveLength(count.n);
});

test("a long trail is exported page by page: 1,234 entries, each once, in order", async () => {
  w.t.store.db.write(() => {
    for (let i = 0; i < 1234; i++)
      appendAudit(w.t.ctx, { action: "feedback.triaged", actorId: w.a.member.user.id, teamId: w.a.team.id });
  });
  const access = {
    team: findTeam(w.t.store.db, w.a.team.id)!,
    userId: w.a.owner.user.id,
    role: "owner",
    via: "member",
  } as const;
  // The service hands out one page per step; nothing is read before it is asked for.
  const pages = exportTeamAudit(w.t.ctx, { access, filters: { action: "feedback.triaged" }, pageSize: 500 });
  expect(pages.next().value).toHaveLength(500);
  expect(pages.next().value).toHaveLength(500);
  expect((pages.next().value as unknown[]).length).toBeGreaterThanOrEqual(234);
  const res = await w.a.owner.browser.get(`${T}/audit/export?format=csv&action=feedback.triaged`);
  const rows = (await res.text()).trimEnd().split("\r\n").slice(1);
  const seqs = rows.map((r) => Number(r.split(",")[0]!.replaceAll('"', "")));
  expect(seqs.length).toBeGreaterThanOrEqual(1234);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
});
