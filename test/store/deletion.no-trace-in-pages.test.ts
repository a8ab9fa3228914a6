// Invariant: text Loupe deletes for good (trash purge, team deletion) leaves no trace in any decrypted page
// of the database or its WAL, the full-text index included (FTS5 secure-delete); each scan first finds its canary.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { runDailyRetention } from "../../src/services/retention.ts";
import { migrate } from "../../src/store/migrate.ts";
import { bundledMigrations } from "../../src/store/migration-files.ts";
import { openStore } from "../../src/store/store.ts";
import { decryptedPagesWith, tablesWith } from "../support/decrypted-pages.ts";
import { seedWorld } from "../support/teams.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";

// Single lower-case tokens: stored as such in the FTS5 index (terms are lower-cased by the tokenizer),
// each with its own first letters so the index's prefix compression cannot split them.
const CANARIES = {
  comment: "qxcommentcanary",
  title: "vytitlecanary",
  note: "jzinternalcanary",
  message: "kwmessagecanary",
};

test("a purged feedback item leaves nothing of its text, notes or search terms in any page", async () => {
  const w = await seedWorld();
  try {
    const T = `/api/v1/teams/${w.a.team.id}`;
    const { db } = w.t.store;
    const item = await (
      await w.a.member.browser.post(`${T}/feedback`, {
        projectId: w.a.project.id,
        comment: `Broken ${CANARIES.comment}`,
        title: `About ${CANARIES.title}`,
      })
    ).json();
    expect(
      (await w.a.member.browser.post(`${T}/feedback/${item.id}/comments`, { body: `Internal ${CANARIES.note}` }))
        .status,
    ).toBe(201);
    expect(
      (await w.a.member.browser.post(`${T}/feedback/${item.id}/messages`, { body: `Hello ${CANARIES.message}` }))
        .status,
    ).toBe(201);
    // The scan sees each canary first — in the search index's own data pages too.
    for (const canary of Object.values(CANARIES)) expect(tablesWith(db, canary)).toContain("feedback_search_data");
    expect(tablesWith(db, CANARIES.comment)).toContain("feedback_items");
    expect(tablesWith(db, CANARIES.note)).toContain("feedback_comments");
    expect(tablesWith(db, CANARIES.message)).toContain("feedback_messages");

    expect((await w.a.member.browser.delete(`${T}/feedback/${item.id}`)).status).toBe(200);
    w.t.clock.advance(31 * 86_400_000);
    expect(runDailyRetention(w.t.ctx).trashPurged).toBe(1);
    for (const canary of Object.values(CANARIES))
      expect({ canary, pages: decryptedPagesWith(db, canary) }).toEqual({ canary, pages: [] });
    // The index still serves what remains (the seeded items mention their team's name).
    expect(
      db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_search WHERE feedback_search MATCH 'alpha'")!.n,
    ).toBeGreaterThan(0);
    expect(
      db.get<{ n: number }>(
        `SELECT count(*) AS n FROM feedback_search WHERE feedback_search MATCH '${CANARIES.comment}'`,
      )!.n,
    ).toBe(0);
  } finally {
    w.t.close();
  }
});

test("a deleted team leaves nothing of its feedback or search terms in any page", async () => {
  const w = await seedWorld();
  try {
    const T = `/api/v1/teams/${w.b.team.id}`;
    const { db } = w.t.store;
    await w.b.member.browser.post(`${T}/feedback`, { projectId: w.b.project.id, comment: `Team ${CANARIES.comment}` });
    expect(tablesWith(db, CANARIES.comment)).toEqual(
      expect.arrayContaining(["feedback_items", "feedback_search_data"]),
    );
    expect((await w.b.owner.browser.post("/api/v1/auth/reauth", { password: w.b.owner.password })).status).toBe(200);
    expect((await w.b.owner.browser.delete(T)).status).toBe(200);
    expect(decryptedPagesWith(db, CANARIES.comment)).toEqual([]);
  } finally {
    w.t.close();
  }
});

test("the migration turning secure-delete on also removes terms that earlier deletions left in the index", () => {
  const dir = tempDir();
  const store = openStore({
    dataDir: join(dir.path, "data"),
    masterKey: { kind: "env", key: Buffer.from(newMasterKeyText(), "base64") },
  });
  try {
    const { db } = store;
    const all = bundledMigrations();
    migrate(
      db,
      all.filter((m) => m.name < "0008"),
    );
    db.write(() => {
      for (let i = 0; i < 20; i++)
        db.run(
          "INSERT INTO feedback_search (item_id, team_id, public_text, internal_text) VALUES (?, 't', ?, '')",
          `i${i}`,
          `ordinary words ${i}`,
        );
      db.run(
        "INSERT INTO feedback_search (item_id, team_id, public_text, internal_text) VALUES ('gone', 't', ?, '')",
        `Deleted ${CANARIES.comment}`,
      );
    });
    db.write(() => db.run("DELETE FROM feedback_search WHERE item_id = 'gone'"));
    // Without FTS5's own secure-delete, secure_delete=ON is not enough: the term stays in the index.
    expect(tablesWith(db, CANARIES.comment)).toEqual(["feedback_search_data"]);
    migrate(db, all);
    expect(decryptedPagesWith(db, CANARIES.comment)).toEqual([]);
    expect(db.get<{ v: number }>("SELECT v FROM feedback_search_config WHERE k = 'secure-delete'")?.v).toBe(1);
  } finally {
    store.close();
    dir.remove();
  }
});
