// GDPR requests of a data subject (owners): find by email or widget reporter id across the team's
// projects, export as one streamed ZIP (re-authentication, audited), erase at once for good (audited
// with counts only, never whose). The erasure log outside the database survives a restore of an older
// database: the retention run erases the person again, but not what they sent after the erasure. A
// changed log is reported loudly (error event, /readyz degraded) and blocks new erasures.
import { expect, test } from "bun:test";
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createFeedback } from "../../src/services/feedback/feedback.ts";
import { erasureLogPath } from "../../src/services/privacy/erasure-log.ts";
import { runDailyRetention } from "../../src/services/retention.ts";
import { decryptedPagesWith } from "../support/decrypted-pages.ts";
import { png } from "../support/images.ts";
import { seedWorld, type World } from "../support/teams.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp } from "../support/test-app.ts";
import { readZip } from "../support/unzip.ts";

const SUBJECT = "Erin.Example@Example.test";
const REPORTER = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
const OTHER_BROWSER = "ffeeddccbbaa00998877665544332211";

/** The subject's items: by email in two projects (one trashed), by reporter id without email, and the same email in team B. */
async function seedSubject(w: World) {
  const T = `/api/v1/teams/${w.a.team.id}`;
  const second = await (await w.a.owner.browser.post(`${T}/projects`, { name: "second site" })).json();
  const shot = { bytes: png(4, 3), maxBytes: 1_000_000, teamQuotaBytes: 1_000_000_000 };
  const byEmail = createFeedback(w.t.ctx, {
    teamId: w.a.team.id,
    reporter: { userId: null, anonymousId: REPORTER },
    data: { projectId: w.a.project.id, comment: "qxsubjectcanary checkout broke", reporterEmail: SUBJECT },
    screenshot: shot,
  });
  const inSecond = createFeedback(w.t.ctx, {
    teamId: w.a.team.id,
    reporter: { userId: null, anonymousId: OTHER_BROWSER },
    data: { projectId: second.id, comment: "second project item", reporterEmail: SUBJECT.toLowerCase() },
  });
  const byReporterOnly = createFeedback(w.t.ctx, {
    teamId: w.a.team.id,
    reporter: { userId: null, anonymousId: REPORTER },
    data: { projectId: w.a.project.id, comment: "no email given, same browser" },
  });
  const stranger = createFeedback(w.t.ctx, {
    teamId: w.a.team.id,
    reporter: { userId: null, anonymousId: "00112233445566778899aabbccddeeff" },
    data: { projectId: w.a.project.id, comment: "someone else", reporterEmail: "someone.else@example.test" },
  });
  const otherTeam = createFeedback(w.t.ctx, {
    teamId: w.b.team.id,
    reporter: { userId: null, anonymousId: REPORTER },
    data: { projectId: w.b.project.id, comment: "same person, other team", reporterEmail: SUBJECT.toUpperCase() },
  });
  expect(
    (await w.a.member.browser.post(`${T}/feedback/${byEmail}/messages`, { body: "Thanks, kwreplycanary" })).status,
  ).toBe(201);
  expect((await w.a.member.browser.post(`${T}/feedback/${byEmail}/comments`, { body: "jznotecanary" })).status).toBe(
    201,
  );
  expect((await w.a.member.browser.delete(`${T}/feedback/${inSecond}`)).status).toBe(200);
  return { T, second, byEmail, inSecond, byReporterOnly, stranger, otherTeam };
}

const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id).sort();

test("find: by email (any case) or reporter id, across projects and the trash; only the team's; field errors named", async () => {
  const w = await seedWorld();
  try {
    const s = await seedSubject(w);
    const find = (body: unknown, who = w.a.owner) => who.browser.post(`${s.T}/privacy/subjects/find`, body);
    const byEmail = await (await find({ email: "  erin.example@EXAMPLE.test " })).json();
    expect(ids(byEmail)).toEqual([s.byEmail, s.inSecond].sort());
    expect(byEmail.counts).toEqual({ items: 2, screenshots: 1, messages: 1 });
    expect(byEmail.reporterIds).toEqual([REPORTER, OTHER_BROWSER].sort());
    expect(byEmail.items.find((i: { id: string }) => i.id === s.inSecond).inTrash).toBe(true);
    const both = await (await find({ email: SUBJECT, reporterId: REPORTER })).json();
    expect(ids(both)).toEqual([s.byEmail, s.inSecond, s.byReporterOnly].sort());
    expect(both.items.find((i: { id: string }) => i.id === s.byEmail).matchedBy).toEqual(["email", "reporterId"]);
    // The account's email finds what its user sent signed in.
    const account = await (await find({ email: w.a.reporter.email })).json();
    expect(ids(account)).toEqual([w.a.item.id]);
    expect(account.items[0].matchedBy).toEqual(["account"]);
    // Bad input names the field; neither given names email.
    for (const [body, field] of [
      [{}, "email"],
      [{ email: "not-an-email" }, "email"],
      [{ reporterId: "short" }, "reporterId"],
      [{ email: SUBJECT, extra: 1 }, "extra"],
    ] as const) {
      const res = await find(body);
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].field).toBe(field);
    }
    // Owners only; another team's owner gets 404.
    expect((await find({ email: SUBJECT }, w.a.member)).status).toBe(403);
    expect((await find({ email: SUBJECT }, w.b.owner)).status).toBe(404);
  } finally {
    w.t.close();
  }
});

test("export: one ZIP (README, subject.json, each screenshot as a file), re-authentication first, recorded with counts", async () => {
  const w = await seedWorld();
  try {
    const s = await seedSubject(w);
    const url = `${s.T}/privacy/subjects/export`;
    // Six minutes after the sign-in, the owner must confirm it is them.
    w.t.clock.advance(6 * 60_000);
    const stale = await w.a.owner.browser.post(url, { email: SUBJECT });
    expect(stale.status).toBe(403);
    expect((await stale.json()).code).toBe("REAUTH_REQUIRED");
    expect((await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password })).status).toBe(200);
    const res = await w.a.owner.browser.post(url, { email: SUBJECT, reporterId: REPORTER });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/zip");
    expect(res.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="loupe-data-subject-\d{4}-\d\d-\d\d\.zip"$/,
    );
    const files = readZip(new Uint8Array(await res.arrayBuffer()));
    expect([...files.keys()].sort()).toEqual(["README.txt", `screenshots/${s.byEmail}.png`, "subject.json"]);
    const doc = JSON.parse(files.get("subject.json")!.toString("utf8"));
    expect(doc.format).toBe("loupe-data-subject-export");
    expect(doc.items.map((i: { id: string }) => i.id).sort()).toEqual([s.byEmail, s.inSecond, s.byReporterOnly].sort());
    const first = doc.items.find((i: { id: string }) => i.id === s.byEmail);
    expect(first.comment).toContain("qxsubjectcanary");
    expect(first.messages).toEqual([{ from: "team", body: "Thanks, kwreplycanary", createdAt: expect.any(String) }]);
    expect(first.screenshot.file).toBe(`screenshots/${s.byEmail}.png`);
    // The team's internal notes and other people's items are not in it.
    expect(files.get("subject.json")!.toString("utf8")).not.toContain("jznotecanary");
    expect(files.get("subject.json")!.toString("utf8")).not.toContain("someone");
    expect(files.get(`screenshots/${s.byEmail}.png`)!.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const audit = w.t.store.db.get<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'data_subject.exported' AND team_id = ? ORDER BY seq DESC LIMIT 1",
      w.a.team.id,
    );
    expect(JSON.parse(audit!.detail)).toEqual({ items: 3, screenshots: 1, messages: 1 });
    expect(audit!.detail).not.toContain("@");
  } finally {
    w.t.close();
  }
});

test("erase: at once and for good, counts only in the trail, nothing in any decrypted page; other team untouched", async () => {
  const w = await seedWorld();
  try {
    const s = await seedSubject(w);
    const { db } = w.t.store;
    for (const canary of ["qxsubjectcanary", "kwreplycanary", "jznotecanary", "Erin.Example@Example.test", REPORTER])
      expect(decryptedPagesWith(db, canary).length).toBeGreaterThan(0);
    const res = await w.a.owner.browser.post(`${s.T}/privacy/subjects/erase`, { email: SUBJECT, reporterId: REPORTER });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ erased: { items: 3, screenshots: 1, messages: 1, comments: 1 } });
    const left = db
      .all<{ id: string }>("SELECT id FROM feedback_items WHERE team_id = ?", w.a.team.id)
      .map((r) => r.id);
    expect(left).not.toContain(s.byEmail);
    expect(left).toContain(s.stranger);
    expect(db.get("SELECT id FROM feedback_items WHERE id = ?", s.otherTeam)).toBeDefined();
    // Not in the trash: gone.
    expect(
      db.get("SELECT id FROM feedback_items WHERE id IN (?, ?, ?)", s.byEmail, s.inSecond, s.byReporterOnly),
    ).toBeUndefined();
    for (const canary of ["qxsubjectcanary", "kwreplycanary", "jznotecanary", "Erin.Example@Example.test"])
      expect({ canary, pages: decryptedPagesWith(db, canary) }).toEqual({ canary, pages: [] });
    // The reporter id stays only on team B's item (another team's data).
    expect(
      db.all<{ id: string }>("SELECT id FROM feedback_items WHERE reporter_anon_id = ?", REPORTER).map((r) => r.id),
    ).toEqual([s.otherTeam]);
    const audit = db.get<{ detail: string; target_id: string }>(
      "SELECT detail, target_id FROM audit_log WHERE action = 'data.erased' ORDER BY seq DESC LIMIT 1",
    );
    expect(JSON.parse(audit!.detail)).toEqual({ items: 3, screenshots: 1, messages: 1, comments: 1 });
    expect(audit!.target_id).toBe(w.a.team.id);
    // The erasure log is outside the database, and never says who.
    const log = readFileSync(erasureLogPath(w.t.config.dataDir), "utf8");
    expect(JSON.parse(log).entries).toHaveLength(1);
    expect(log.toLowerCase()).not.toContain("erin");
    expect(log).not.toContain(REPORTER);
    expect((await w.a.owner.browser.post(`${s.T}/privacy/subjects/find`, { email: SUBJECT })).status).toBe(200);
    expect(
      (await (await w.a.owner.browser.post(`${s.T}/privacy/subjects/find`, { email: SUBJECT })).json()).items,
    ).toEqual([]);
  } finally {
    w.t.close();
  }
});

test("a restore of an older database does not bring an erased person back; what they sent afterwards stays", async () => {
  const env = { LOUPE_MASTER_KEY: newMasterKeyText() };
  const w = await seedWorld({}, env);
  const saved = tempDir();
  let restored: ReturnType<typeof createTestApp> | undefined;
  try {
    const s = await seedSubject(w);
    const dataDir = w.t.config.dataDir;
    // The "backup": the database as it was before the erasure.
    w.t.store.db.checkpoint();
    copyFileSync(join(dataDir, "loupe.db"), join(saved.path, "loupe.db"));
    expect((await w.a.owner.browser.post(`${s.T}/privacy/subjects/erase`, { email: SUBJECT })).status).toBe(200);
    // The same person writes again after the erasure: that is new data, not erased.
    w.t.clock.advance(60_000);
    const later = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: null, anonymousId: REPORTER },
      data: { projectId: w.a.project.id, comment: "written after the erasure", reporterEmail: SUBJECT },
    });
    const now = w.t.clock.now();
    w.t.store.close();
    // Restore: the old database goes back; the erasure log beside it stays as it is.
    for (const suffix of ["-wal", "-shm"]) rmSync(join(dataDir, `loupe.db${suffix}`), { force: true });
    copyFileSync(join(saved.path, "loupe.db"), join(dataDir, "loupe.db"));
    restored = createTestApp(env, { copyDataFrom: dataDir, clockStart: now });
    const db = restored.store.db;
    const back = () =>
      db
        .all<{ id: string }>("SELECT id FROM feedback_items WHERE id IN (?, ?, ?)", s.byEmail, s.inSecond, s.otherTeam)
        .map((r) => r.id);
    expect(back().sort()).toEqual([s.byEmail, s.inSecond, s.otherTeam].sort());
    expect(db.get("SELECT id FROM feedback_items WHERE id = ?", later)).toBeUndefined();
    const result = runDailyRetention(restored.ctx);
    expect(result.erasureLog).toBe("ok");
    expect(result.erasuresReapplied).toBe(2);
    // Gone again — team B's item of the same person is another team's data and stays.
    expect(back()).toEqual([s.otherTeam]);
    expect({ pages: decryptedPagesWith(db, "qxsubjectcanary") }).toEqual({ pages: [] });
    expect(runDailyRetention(restored.ctx).erasuresReapplied).toBe(0);
    // An item by the same person created after the erasure (in this restored world) is kept.
    restored.clock.advance(60_000);
    const afterwards = createFeedback(restored.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: null, anonymousId: REPORTER },
      data: { projectId: w.a.project.id, comment: "again, later", reporterEmail: SUBJECT },
    });
    expect(runDailyRetention(restored.ctx).erasuresReapplied).toBe(0);
    expect(db.get("SELECT id FROM feedback_items WHERE id = ?", afterwards)).toBeDefined();
  } finally {
    restored?.close();
    saved.remove();
    if (w.t.store.db.open) w.t.store.close();
    rmSync(w.t.dir, { recursive: true, force: true });
  }
});

test("a changed erasure log is reported loudly: error event, /readyz degraded, new erasures refused", async () => {
  const w = await seedWorld();
  try {
    const s = await seedSubject(w);
    expect((await w.a.owner.browser.post(`${s.T}/privacy/subjects/erase`, { reporterId: OTHER_BROWSER })).status).toBe(
      200,
    );
    const path = erasureLogPath(w.t.config.dataDir);
    expect(existsSync(path)).toBe(true);
    expect(runDailyRetention(w.t.ctx).erasureLog).toBe("ok");
    expect((await (await w.t.app.request("/readyz")).json()).status).toBe("ready");
    // Someone removes the entry by hand (to let a restore bring the person back).
    const file = JSON.parse(readFileSync(path, "utf8"));
    file.entries = [];
    writeFileSync(path, JSON.stringify(file));
    expect(runDailyRetention(w.t.ctx).erasureLog).toBe("invalid");
    expect(w.t.logs.text()).toContain('"msg":"erasure_log.invalid"');
    expect(w.t.logs.text()).toContain('"level":"error"');
    const ready = await w.t.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "degraded", checks: { erasureLog: "invalid" } });
    const refused = await w.a.owner.browser.post(`${s.T}/privacy/subjects/erase`, { email: SUBJECT });
    expect(refused.status).toBe(503);
    expect((await refused.json()).code).toBe("ERASURE_LOG_INVALID");
    expect(w.t.store.db.get("SELECT id FROM feedback_items WHERE id = ?", s.byEmail)).toBeDefined();
    // Garbage is as loud as a changed entry.
    writeFileSync(path, "not json");
    expect(runDailyRetention(w.t.ctx).erasureLog).toBe("invalid");
  } finally {
    w.t.close();
  }
});

test("erasure log entries are dropped after 365 days — longer than any backup that could hold the erased data", async () => {
  const w = await seedWorld();
  try {
    const s = await seedSubject(w);
    expect((await w.a.owner.browser.post(`${s.T}/privacy/subjects/erase`, { email: SUBJECT })).status).toBe(200);
    const entries = () => JSON.parse(readFileSync(erasureLogPath(w.t.config.dataDir), "utf8")).entries;
    w.t.clock.advance(365 * 86_400_000);
    expect(runDailyRetention(w.t.ctx).erasureLog).toBe("ok");
    expect(entries()).toHaveLength(1);
    w.t.clock.advance(86_400_000);
    expect(runDailyRetention(w.t.ctx).erasureLog).toBe("ok");
    expect(entries()).toEqual([]);
  } finally {
    w.t.close();
  }
});

test("an erasure by account email covers what the account sent signed in, and is re-applied to it", async () => {
  const w = await seedWorld();
  try {
    const T = `/api/v1/teams/${w.a.team.id}`;
    const res = await w.a.owner.browser.post(`${T}/privacy/subjects/erase`, { email: w.a.reporter.email });
    expect(await res.json()).toEqual({ erased: { items: 1, screenshots: 1, messages: 1, comments: 1 } });
    expect(w.t.store.db.get("SELECT id FROM feedback_items WHERE id = ?", w.a.item.id)).toBeUndefined();
    // An item of that account from before the erasure comes back (as a restore would bring it).
    const erasedAt = w.t.clock.now();
    w.t.clock.set(erasedAt - 60_000);
    const old = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: w.a.reporter.user.id, anonymousId: null },
      data: { projectId: w.a.project.id, comment: "from before the erasure" },
    });
    w.t.clock.set(erasedAt + 60_000);
    const after = createFeedback(w.t.ctx, {
      teamId: w.a.team.id,
      reporter: { userId: w.a.reporter.user.id, anonymousId: null },
      data: { projectId: w.a.project.id, comment: "sent after the erasure" },
    });
    expect(runDailyRetention(w.t.ctx).erasuresReapplied).toBe(1);
    expect(w.t.store.db.get("SELECT id FROM feedback_items WHERE id = ?", old)).toBeUndefined();
    expect(w.t.store.db.get("SELECT id FROM feedback_items WHERE id = ?", after)).toBeDefined();
  } finally {
    w.t.close();
  }
});
