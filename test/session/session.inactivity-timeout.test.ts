// T-S2 — Inactivity: a request at IDLE−1 s is accepted, at IDLE+1 s refused (and the session marked
// ended); activity resets the idle timer; the instance admin's shorter timeout applies at once.
import { afterAll, expect, test } from "bun:test";
import { enableTotp, signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());
const MIN = 60_000;

test("T-S2: idle 30 min: IDLE−1 s → 200, IDLE+1 s → 401 and the session is marked idle", async () => {
  const { browser } = await signedInUser(t);
  t.clock.advance(30 * MIN - 1_000);
  expect((await browser.get("/api/v1/me")).status).toBe(200);
  const sid = JSON.parse(Buffer.from(browser.cookies.get("loupe_session")!.split(".")[1]!, "base64url").toString()).sid;
  t.clock.advance(30 * MIN + 1_000);
  expect((await browser.get("/api/v1/me")).status).toBe(401);
  const row = t.store.db.get<{ revoked_at: number; revoked_reason: string }>(
    "SELECT revoked_at, revoked_reason FROM sessions WHERE id = ?",
    sid,
  );
  expect(row?.revoked_reason).toBe("idle");
});

test("T-S2: activity resets the idle timer (and the token slides)", async () => {
  const { browser } = await signedInUser(t);
  const first = browser.cookies.get("loupe_session");
  for (let i = 0; i < 6; i++) {
    t.clock.advance(20 * MIN);
    expect((await browser.get("/api/v1/me")).status).toBe(200);
  }
  expect(browser.cookies.get("loupe_session")).not.toBe(first);
  // The sliding token keeps the same session id.
  const sid = (s: string) => JSON.parse(Buffer.from(s.split(".")[1]!, "base64url").toString()).sid;
  expect(sid(browser.cookies.get("loupe_session")!)).toBe(sid(first!));
});

test("T-S2: the instance admin's shorter timeout applies at once", async () => {
  const admin = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const { browser } = await signedInUser(t);
  const changed = await admin.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 15 });
  expect(await changed.json()).toMatchObject({ sessionIdleMinutes: 15 });
  try {
    t.clock.advance(16 * MIN);
    expect((await browser.get("/api/v1/me")).status).toBe(401);
  } finally {
    const admin2 = await signedInUser(t, { admin: true });
    await enableTotp(t, admin2.browser, admin2.password);
    expect((await admin2.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 30 })).status).toBe(200);
  }
});
