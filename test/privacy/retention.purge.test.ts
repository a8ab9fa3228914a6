// Retention: what Loupe deletes by itself, and when. T-L3: activity events past 90 days, ended sessions,
// sign-in challenges, one-time tokens and invitations go in the daily run (fake clock +91 days, run
// twice: nothing older is left, the second run deletes nothing). A project's own retention period
// deletes its feedback for good (not through the trash). T-L4: a trash purge leaves no row, screenshot,
// comment, message, label link or search entry, and no trace in any decrypted page of the database or WAL.
import { expect, test } from "bun:test";
import { deflateSync } from "node:zlib";
import { createFeedback } from "../../src/services/feedback/feedback.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { signedInUser } from "../support/accounts.ts";
import { decryptedPagesWith, tablesWith } from "../support/decrypted-pages.ts";
import { pngOf } from "../support/images.ts";
import { seedWorld } from "../support/teams.ts";

const DAY = 86_400_000;
const count = (w: Awaited<ReturnType<typeof seedWorld>>, sql: string, ...params: (string | number)[]) =>
  Number(w.t.store.db.get<{ n: number }>(sql, ...params)?.n ?? 0);

test("T-L3: +91 days, run twice — no activity older than 90 days, no ended session, challenge, token or invitation; idempotent", async () => {
  const w = await seedWorld();
  try {
    const { db } = w.t.store;
    const start = w.t.clock.now();
    db.write(() => {
      db.run(
        "INSERT INTO mfa_challenges (id, user_id, method, amr, created_at, expires_at) VALUES ('challenge-old-0000001', ?, 'password', '[]', ?, ?)",
        w.a.owner.user.id,
        start,
        start + 300_000,
      );
      db.run(
        "INSERT INTO one_time_tokens (id, purpose, token_hash, user_id, created_at, expires_at) VALUES ('token-old-000000001', 'password_reset', 'hash-old', ?, ?, ?)",
        w.a.owner.user.id,
        start,
        start + 1_800_000,
      );
    });
    // Something to delete in every table first (so "0 left" means something).
    expect(count(w, "SELECT count(*) AS n FROM activity_events")).toBeGreaterThan(0);
    expect(count(w, "SELECT count(*) AS n FROM sessions")).toBeGreaterThan(0);
    expect(count(w, "SELECT count(*) AS n FROM invitations")).toBeGreaterThan(0);

    w.t.clock.advance(91 * DAY);
    // A sign-in today: its session and activity must stay.
    const today = await signedInUser(w.t);
    const first = runDailyRetention(w.t.ctx);
    expect(first.activityDeleted).toBeGreaterThan(0);
    expect(first.sessionsDeleted).toBeGreaterThan(0);
    expect(first.invitationsDeleted).toBeGreaterThan(0);
    expect(first.challengesDeleted).toBe(1);
    expect(first.tokensDeleted).toBe(1);
    const second = runDailyRetention(w.t.ctx);
    expect(second).toMatchObject({
      activityDeleted: 0,
      trashPurged: 0,
      retentionPurged: 0,
      erasuresReapplied: 0,
      sessionsDeleted: 0,
      challengesDeleted: 0,
      tokensDeleted: 0,
      invitationsDeleted: 0,
    });
    const now = w.t.clock.now();
    expect(count(w, "SELECT count(*) AS n FROM activity_events WHERE at < ?", now - 90 * DAY)).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM sessions WHERE created_at < ?", now - 2 * DAY)).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM mfa_challenges")).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM one_time_tokens")).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM invitations")).toBe(0);
    // Today's sign-in is untouched and still works.
    expect(count(w, "SELECT count(*) AS n FROM sessions WHERE user_id = ?", today.user.id)).toBe(1);
    expect(count(w, "SELECT count(*) AS n FROM activity_events WHERE at >= ?", now - DAY)).toBeGreaterThan(0);
    expect((await today.browser.get("/api/v1/me")).status).toBe(200);
  } finally {
    w.t.close();
  }
});

test("a project's retention period deletes its feedback for good — validated, owners only, other projects untouched", async () => {
  const w = await seedWorld();
  try {
    const T = `/api/v1/teams/${w.a.team.id}`;
    const P = `${T}/projects/${w.a.project.id}`;
    // Field errors name the field; members may not change what is collected or kept.
    for (const bad of [0, 3651, 1.5, "30"]) {
      const res = await w.a.owner.browser.patch(P, { settings: { retentionDays: bad } });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].field).toBe("settings.retentionDays");
    }
    expect((await w.a.member.browser.patch(P, { settings: { retentionDays: 10 } })).status).toBe(403);
    const saved = await w.a.owner.browser.patch(P, { settings: { retentionDays: 10 } });
    expect(saved.status).toBe(200);
    expect((await saved.json()).settings.retentionDays).toBe(10);
    // Never in the widget's public config.
    const config = await w.anonymous.get(`/api/v1/widget/${w.a.project.widgetKey}/config`, {
      Origin: w.a.siteOrigin,
    });
    expect(JSON.stringify(await config.json())).not.toContain("retentionDays");

    const other = await (await w.a.owner.browser.post(`${T}/projects`, { name: "other site" })).json();
    const keep = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: null, anonymousId: null },
      data: { projectId: other.id, comment: "other project, kept" },
    });
    const before = count(w, "SELECT count(*) AS n FROM feedback_items WHERE project_id = ?", w.a.project.id);
    expect(before).toBe(2);
    w.t.clock.advance(9 * DAY);
    const fresh = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: null, anonymousId: null },
      data: { projectId: w.a.project.id, comment: "fresh qxretentionfresh" },
    });
    expect(runDailyRetention(w.t.ctx).retentionPurged).toBe(0);
    w.t.clock.advance(1 * DAY + 1);
    expect(runDailyRetention(w.t.ctx).retentionPurged).toBe(2);
    expect(runDailyRetention(w.t.ctx).retentionPurged).toBe(0);
    const left = w.t.store.db.all<{ id: string }>("SELECT id FROM feedback_items WHERE team_id = ?", w.a.team.id);
    expect(left.map((r) => r.id).sort()).toEqual([fresh, keep].sort());
    // Gone for good: not in the trash, with the screenshot, notes and search rows of the seeded item.
    expect(count(w, "SELECT count(*) AS n FROM screenshots WHERE item_id = ?", w.a.item.id)).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM feedback_comments WHERE item_id = ?", w.a.item.id)).toBe(0);
    expect(count(w, "SELECT count(*) AS n FROM feedback_search WHERE item_id = ?", w.a.item.id)).toBe(0);
    // Back to "kept until deleted" (signed in again: ten days ended the session).
    await w.a.owner.browser.post("/api/v1/auth/login", { email: w.a.owner.email, password: w.a.owner.password });
    expect(
      (await (await w.a.owner.browser.patch(P, { settings: { retentionDays: null } })).json()).settings.retentionDays,
    ).toBeNull();
    w.t.clock.advance(400 * DAY);
    expect(runDailyRetention(w.t.ctx).retentionPurged).toBe(0);
  } finally {
    w.t.close();
  }
});

test("T-L4: a trash purge removes row, screenshot, comments, messages, label links and search entries — no trace in any decrypted page", async () => {
  const w = await seedWorld();
  try {
    const T = `/api/v1/teams/${w.a.team.id}`;
    const { db } = w.t.store;
    const canary = {
      comment: "qxpurgecommentcanary",
      email: "purge.canary.person@example.test",
      reporter: "zzpurgereporteridcanary0001",
      note: "jzpurgenotecanary",
      message: "kwpurgemessagecanary",
      image: "IMAGEBYTESCANARY-7f3a9c",
    };
    // A screenshot whose compressed pixel data carries the canary (kept byte for byte by the cleaner).
    const shot = pngOf([
      { type: "IHDR", data: new Uint8Array([0, 0, 0, 4, 0, 0, 0, 3, 8, 2, 0, 0, 0]) },
      { type: "IDAT", data: new Uint8Array([...deflateSync(new Uint8Array(39)), ...Buffer.from(canary.image)]) },
      { type: "IEND", data: new Uint8Array() },
    ]);
    const id = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: null, anonymousId: canary.reporter },
      data: { projectId: w.a.project.id, comment: `Broken ${canary.comment}`, reporterEmail: canary.email },
      screenshot: { bytes: shot, maxBytes: 1_000_000, teamQuotaBytes: 1_000_000_000 },
      labelIds: [w.a.label.id],
    });
    expect(
      (await w.a.member.browser.post(`${T}/feedback/${id}/comments`, { body: `Note ${canary.note}` })).status,
    ).toBe(201);
    expect(
      (await w.a.member.browser.post(`${T}/feedback/${id}/messages`, { body: `Hi ${canary.message}` })).status,
    ).toBe(201);
    // Every table holds its part first, and the scan finds each canary.
    for (const table of ["screenshots", "feedback_comments", "feedback_messages", "feedback_labels", "feedback_search"])
      expect(count(w, `SELECT count(*) AS n FROM ${table} WHERE item_id = ?`, id)).toBe(1);
    expect(tablesWith(db, canary.image)).toContain("screenshots");
    for (const c of Object.values(canary)) expect(decryptedPagesWith(db, c).length).toBeGreaterThan(0);

    expect((await w.a.member.browser.delete(`${T}/feedback/${id}`)).status).toBe(200);
    w.t.clock.advance(30 * DAY + 1);
    expect(runDailyRetention(w.t.ctx).trashPurged).toBe(1);
    expect(count(w, "SELECT count(*) AS n FROM feedback_items WHERE id = ?", id)).toBe(0);
    for (const table of [
      "screenshots",
      "feedback_comments",
      "feedback_messages",
      "feedback_labels",
      "feedback_search",
      "feedback_idempotency",
    ])
      expect({ table, n: count(w, `SELECT count(*) AS n FROM ${table} WHERE item_id = ?`, id) }).toEqual({
        table,
        n: 0,
      });
    for (const c of Object.values(canary)) expect({ c, pages: decryptedPagesWith(db, c) }).toEqual({ c, pages: [] });
    // The rest of the team is intact.
    expect(count(w, "SELECT count(*) AS n FROM feedback_items WHERE id = ?", w.a.item.id)).toBe(1);
    expect(count(w, "SELECT count(*) AS n FROM feedback_labels WHERE label_id = ?", w.a.label.id)).toBe(0);
  } finally {
    w.t.close();
  }
});
