// Invariant: search covers an item's comments up to SEARCH_NOTES_MAX_CHARS. Appending a note rewrites the
// item's whole full-text row, so a thread of any length keeps each new comment's cost bounded: notes that
// begin past the cap are kept and listed, but not indexed, and the row stops growing.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { SEARCH_NOTES_MAX_CHARS } from "../../src/store/feedback.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
let T: string;
beforeAll(async () => {
  w = await seedWorld();
  T = `/api/v1/teams/${w.a.team.id}`;
});
afterAll(() => w.t.close());

const search = async (q: string) =>
  (
    (await (await w.a.member.browser.get(`${T}/feedback/search?q=${q}`)).json()) as { items: { id: string }[] }
  ).items.map((i) => i.id);

test("comments past the cap are kept and listed but not searchable; the search row stays bounded", async () => {
  const created = await (
    await w.a.member.browser.post(`${T}/feedback`, { projectId: w.a.project.id, comment: "A long thread" })
  ).json();
  const I = `${T}/feedback/${created.id}`;
  expect((await w.a.member.browser.post(`${I}/comments`, { body: "firstmarker early words" })).status).toBe(201);
  // Fill the indexed text past the cap with 9,000-character comments.
  const filler = "lorem ".repeat(1500);
  for (let i = 0; i * filler.length < SEARCH_NOTES_MAX_CHARS + filler.length; i++)
    expect((await w.a.member.browser.post(`${I}/comments`, { body: filler })).status).toBe(201);
  expect((await w.a.member.browser.post(`${I}/comments`, { body: "latemarker words past the cap" })).status).toBe(201);

  expect(await search("firstmarker")).toEqual([created.id]);
  expect(await search("latemarker")).toEqual([]);
  const listed = (await (await w.a.member.browser.get(`${I}/comments`)).json()) as { comments: { body: string }[] };
  expect(listed.comments.some((c) => c.body.startsWith("latemarker"))).toBe(true);
  const row = w.t.store.db.get<{ n: number }>(
    "SELECT length(internal_text) AS n FROM feedback_search WHERE item_id = ?",
    created.id,
  );
  expect(row!.n).toBeGreaterThan(SEARCH_NOTES_MAX_CHARS);
  expect(row!.n).toBeLessThan(SEARCH_NOTES_MAX_CHARS + filler.length + 2);
});
