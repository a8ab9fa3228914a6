// The inbox's list at volume: for every filter and order it offers, the pages walked through the
// cursor are exactly the filtered items in that order (each once, whatever index answers them), and
// the query reads one index in the page's order — no full scan of the table, and no sort of the
// whole set unless a filter names at most SMALL_SET items (EXPLAIN QUERY PLAN).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { openDatabase } from "../../src/store/database.ts";
import {
  chooseDriver,
  FEEDBACK_SORTS,
  type FeedbackFilter,
  type FeedbackRow,
  type FeedbackSort,
  insertFeedback,
  type ListedRow,
  listFeedback,
  listFeedbackSql,
  SMALL_SET,
  searchFeedback,
  searchFeedbackSql,
} from "../../src/store/feedback.ts";
import { databaseKeyText } from "../../src/store/keyring.ts";
import { databasePath } from "../../src/store/store.ts";
import { type SeededInbox, seedInbox } from "../support/inbox-seed.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
let seeded: SeededInbox;
let all: (FeedbackRow & { labels: string[]; shot: number })[];
beforeAll(async () => {
  w = await seedWorld();
  seeded = seedInbox(w.t, {
    teamId: w.a.team.id,
    projectId: w.a.project.id,
    memberId: w.a.member.user.id,
    ownerId: w.a.owner.user.id,
    reporterId: w.a.reporter.user.id,
    n: 3000,
  });
  // Another team's items, which no filter of team A may ever show.
  seedInbox(w.t, {
    teamId: w.b.team.id,
    projectId: w.b.project.id,
    memberId: w.b.member.user.id,
    ownerId: w.b.owner.user.id,
    reporterId: w.b.reporter.user.id,
    n: 300,
  });
  const db = w.t.store.db;
  all = db
    .all<FeedbackRow & { labels: string | null; shot: number }>(
      `SELECT f.*, f.has_screenshot AS shot, (SELECT group_concat(label_id) FROM feedback_labels l WHERE l.item_id = f.id) AS labels
       FROM feedback_items f WHERE team_id = ?`,
      w.a.team.id,
    )
    .map((r) => ({ ...r, labels: r.labels ? r.labels.split(",") : [] }));
}, 120_000);
afterAll(() => w?.t.close(), 60_000);

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
function expected(f: FeedbackFilter, sort: FeedbackSort): string[] {
  const key = (r: FeedbackRow) =>
    sort === "rating" ? (r.rating_value ?? 1000) : sort === "rating_desc" ? (r.rating_value ?? -1) : 0;
  return all
    .filter(
      (r) =>
        (f.trash ? r.deleted_at !== null : r.deleted_at === null) &&
        (f.projectId === undefined || r.project_id === f.projectId) &&
        (f.status === undefined || r.status === f.status) &&
        (f.assigneeId === undefined || r.assignee_user_id === f.assigneeId) &&
        (f.reporterUserId === undefined || r.reporter_user_id === f.reporterUserId) &&
        (f.labelId === undefined || r.labels.includes(f.labelId)) &&
        (f.ratingMin === undefined || (r.rating_value !== null && r.rating_value >= f.ratingMin)) &&
        (f.ratingMax === undefined || (r.rating_value !== null && r.rating_value <= f.ratingMax)) &&
        (f.from === undefined || r.created_at >= f.from) &&
        (f.to === undefined || r.created_at < f.to) &&
        (f.hasScreenshot === undefined || r.shot === (f.hasScreenshot ? 1 : 0)),
    )
    .sort((a, b) => {
      if (sort === "oldest") return a.created_at - b.created_at || byId(a.id, b.id);
      const newest = b.created_at - a.created_at || byId(b.id, a.id);
      if (sort === "rating_desc") return key(b) - key(a) || newest;
      return key(a) - key(b) || newest;
    })
    .map((r) => r.id);
}

function walk(f: FeedbackFilter, sort: FeedbackSort, smallSet?: number): string[] {
  const seen: string[] = [];
  let after: ListedRow | undefined;
  for (;;) {
    const rows = listFeedback(w.t.store.db, f, {
      sort,
      limit: 101,
      ...(after ? { after: { key: after.sort_key, createdAt: after.created_at, id: after.id } } : {}),
      ...(smallSet !== undefined ? { smallSet } : {}),
    });
    seen.push(...rows.slice(0, 100).map((r) => r.id));
    if (rows.length <= 100) return seen;
    after = rows[99];
  }
}

const filters = (): [string, Partial<FeedbackFilter>][] => {
  const now = w.t.clock.now();
  return [
    ["nothing", {}],
    ["the trash", { trash: true }],
    ["a big project", { projectId: seeded.projects.big }],
    ["a rare project", { projectId: seeded.projects.rare }],
    ["status new", { status: "new" }],
    ["status spam (none)", { status: "spam" }],
    ["an assignee", { assigneeId: w.a.member.user.id }],
    ["unassigned", { assigneeId: null }],
    ["a reporter", { reporterUserId: w.a.reporter.user.id }],
    ["a common label", { labelId: seeded.labels.common }],
    ["a rare label", { labelId: seeded.labels.rare }],
    ["rating 1–2", { ratingMin: 1, ratingMax: 2 }],
    ["rating from 4", { ratingMin: 4 }],
    ["rating up to 2", { ratingMax: 2 }],
    ["a date range", { from: now - 200 * 86_400_000, to: now - 100 * 86_400_000 }],
    ["with a screenshot", { hasScreenshot: true }],
    ["without a screenshot", { hasScreenshot: false }],
    ["rare project + done", { projectId: seeded.projects.rare, status: "done" }],
    ["big project + closed + unassigned", { projectId: seeded.projects.big, status: "closed", assigneeId: null }],
    ["reporter + rare label", { reporterUserId: w.a.reporter.user.id, labelId: seeded.labels.rare }],
    ["new + screenshot + rating ≥ 3", { status: "new", hasScreenshot: true, ratingMin: 3 }],
    [
      "common label + in progress + screenshot",
      { labelId: seeded.labels.common, status: "in_progress", hasScreenshot: true },
    ],
  ];
};

test("every filter × order: the cursor walks exactly the filtered items, in order, whichever index answers", () => {
  let checked = 0;
  for (const sort of FEEDBACK_SORTS) {
    for (const [name, extra] of filters()) {
      const f: FeedbackFilter = { teamId: w.a.team.id, trash: false, ...extra };
      const want = expected(f, sort);
      // The chosen plan, the order's index always, and the smallest filter's index whenever one exists.
      for (const smallSet of [undefined, 0, 1_000_000]) {
        const got = walk(f, sort, smallSet);
        if (got.join() !== want.join())
          throw new Error(`${sort} / ${name} / smallSet ${smallSet}: wrong rows or order`);
        checked++;
      }
    }
  }
  expect(checked).toBe(FEEDBACK_SORTS.length * filters().length * 3);
  // The seed is varied enough for this to mean something.
  expect(expected({ teamId: w.a.team.id, trash: false, labelId: seeded.labels.rare }, "newest").length).toBeGreaterThan(
    3,
  );
  expect(expected({ teamId: w.a.team.id, trash: true }, "newest").length).toBeGreaterThan(10);
}, 120_000);

test("search with every filter and order: exactly the matching filtered items, in order, page by page", () => {
  const db = w.t.store.db;
  const byId = new Map(all.map((r) => [r.id, r]));
  let checked = 0;
  for (const sort of FEEDBACK_SORTS) {
    for (const [name, extra] of filters()) {
      const f: FeedbackFilter = { teamId: w.a.team.id, trash: false, ...extra };
      // "checkout" is one word in fifteen of the seed's titles and comments.
      const want = expected(f, sort).filter((id) => byId.get(id)!.comment.includes(" checkout "));
      const got: string[] = [];
      for (let offset = 0; ; offset += 40) {
        const rows = searchFeedback(db, '"checkout"*', f, { internal: true, sort, offset, limit: 40 });
        got.push(...rows.map((r) => r.id));
        if (rows.length < 40) break;
      }
      if (got.join() !== want.join()) throw new Error(`search ${sort} / ${name}: wrong rows or order`);
      checked++;
    }
  }
  expect(checked).toBe(FEEDBACK_SORTS.length * filters().length);
  const ranked = searchFeedback(
    db,
    '"checkout"*',
    { teamId: w.a.team.id, trash: false },
    {
      internal: true,
      sort: "relevance",
      offset: 0,
      limit: 1000,
    },
  );
  expect(ranked.length).toBe(
    expected({ teamId: w.a.team.id, trash: false }, "newest").filter((id) =>
      byId.get(id)!.comment.includes(" checkout "),
    ).length,
  );
  expect(ranked.length).toBeGreaterThan(100);
});

test("items added between two pages: no earlier item is repeated or skipped (keyset cursor)", () => {
  const db = w.t.store.db;
  const f: FeedbackFilter = { teamId: w.a.team.id, trash: false };
  let added = 0;
  for (const sort of FEEDBACK_SORTS) {
    const before = expected(f, sort);
    const first = listFeedback(db, f, { sort, limit: 50 });
    const last = first.at(-1)!;
    // New items of every rating: some the newest of all, some at the exact time of the last one shown.
    db.write(() => {
      for (const [i, rating] of [1, 3, 5, null, 2, 4].entries()) {
        const id = `added-${sort}-${i}-xxxxxxxxxx`;
        insertFeedback(db, {
          ...all[0]!,
          id,
          rating_value: rating,
          rating_scale: rating === null ? null : "stars",
          created_at: i % 2 ? last.created_at : w.t.clock.now() + 1000,
          deleted_at: null,
        });
        added++;
      }
    });
    const rest = listFeedback(db, f, {
      sort,
      limit: 100_000,
      after: { key: last.sort_key, createdAt: last.created_at, id: last.id },
    }).map((r) => r.id);
    const old = new Set(before);
    expect([...first.map((r) => r.id), ...rest].filter((id) => old.has(id))).toEqual(before);
    // Past the cursor in time order, the newest additions are on the pages still to come.
    if (sort === "oldest") expect(rest.filter((id) => id.startsWith(`added-${sort}`)).length).toBeGreaterThanOrEqual(3);
  }
  expect(added).toBe(24);
});

test("EXPLAIN QUERY PLAN: one index in the page's order; a whole-set sort only for a filter of at most SMALL_SET items", () => {
  const db = w.t.store.db;
  // The plans are read on a connection of their own: libsql keeps EXPLAIN statements open, and the
  // store's checkpoint at close would wait for them.
  const explain = openDatabase(databasePath(w.t.store.dataDir), databaseKeyText(w.t.store.keyring));
  const problems: string[] = [];
  for (const sort of FEEDBACK_SORTS) {
    for (const [name, extra] of filters()) {
      const f: FeedbackFilter = { teamId: w.a.team.id, trash: false, ...extra };
      const driver = chooseDriver(db, f);
      for (const after of [undefined, { key: 3, createdAt: w.t.clock.now() - 86_400_000, id: "m" }]) {
        for (const step of ["same", "next"] as const) {
          const q = listFeedbackSql(f, { sort, after, step, limit: 51, driver });
          const plan = explain
            .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.sql}`, ...q.params)
            .map((r) => r.detail)
            .join(" | ");
          if (/\bSCAN (f|feedback_items)\b/.test(plan)) problems.push(`${sort} / ${name}: full scan: ${plan}`);
          const sorts = /TEMP B-TREE FOR ORDER BY/.test(plan);
          // A date range may be answered through the time index and its (bounded) rows sorted.
          const bounded = driver !== "order" || (f.from !== undefined && f.to !== undefined) || f.trash;
          if (sorts && !bounded) problems.push(`${sort} / ${name}: sorts the whole set: ${plan}`);
        }
      }
    }
  }
  // A search joins its matches through the covering index, whatever the filters and the order.
  for (const sort of [...FEEDBACK_SORTS, "relevance"] as const) {
    for (const [name, extra] of filters()) {
      const f: FeedbackFilter = { teamId: w.a.team.id, trash: false, ...extra };
      const q = searchFeedbackSql('"issue"*', f, { internal: true, sort, offset: 0, limit: 51 });
      const plan = explain
        .all<{ detail: string }>(`EXPLAIN QUERY PLAN ${q.sql}`, ...q.params)
        .map((r) => r.detail)
        .join(" | ");
      if (!/SEARCH f USING COVERING INDEX feedback_items_search \(id=\?/.test(plan))
        problems.push(`search ${sort} / ${name}: ${plan}`);
    }
  }
  explain.close();
  expect(problems).toEqual([]);
  // Drivers are chosen by how many items a filter names.
  expect(chooseDriver(db, { teamId: w.a.team.id, trash: false, labelId: seeded.labels.rare })).toBe("label");
  expect(chooseDriver(db, { teamId: w.a.team.id, trash: false, status: "new" }, 100)).toBe("order");
  expect(chooseDriver(db, { teamId: w.a.team.id, trash: false, status: "new", projectId: seeded.projects.rare })).toBe(
    "project",
  );
  expect(SMALL_SET).toBeGreaterThan(100);
});
