// Invariant (T-W4): 1,000 widget submissions within a minute from one address with one widget key
// get 429 beyond the limit (10 a minute per address and key by default, refilled continuously), and
// admin reads from another session keep answering 200 throughout. (The admin latency figure is in
// bench/rate-limit.ts, not here.)
import { afterEach, expect, test } from "bun:test";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const ORIGIN = "https://alpha.example.test";

test("a flood from one address and key: 429 beyond 10 a minute (default), the admin's reads still 200", async () => {
  t = createTestApp({}, { passwords: fastPasswords() });
  const a = await seedTeam(t, "alpha");
  const submit = (i: number, ip = "203.0.113.66") =>
    t!.app.request(
      `http://loupe.test/api/v1/widget/${a.project.widgetKey}/feedback`,
      {
        method: "POST",
        headers: { Origin: ORIGIN, "Content-Type": "application/json" },
        body: JSON.stringify({ comment: `flood ${i}`, idempotencyId: crypto.randomUUID().replaceAll("-", "") }),
      },
      { clientIp: ip },
    );
  const statuses = new Map<number, number>();
  const adminReads: number[] = [];
  for (let i = 0; i < 1000; i++) {
    if (i > 0) t.clock.advance(60); // 1,000 in 59.94 s
    const res = await submit(i);
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 429) {
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(res.headers.get("RateLimit-Policy")).toBe('"widget-submission";q=10;w=60');
      expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
    } else {
      expect(res.status).toBe(201);
      expect(res.headers.get("RateLimit-Policy")).toBe('"widget-key";q=300;w=60, "widget-submission";q=10;w=60');
    }
    if (i % 10 === 0) adminReads.push((await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback`)).status);
  }
  // The burst of 10, then one every 6 s over the 59.94 s: 9 more.
  expect(Object.fromEntries(statuses)).toEqual({ 201: 19, 429: 981 });
  expect(adminReads).toHaveLength(100);
  expect(adminReads.every((s) => s === 200)).toBe(true);
  const list = await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback`)).json();
  expect(list.items.filter((item: { comment: string }) => item.comment.startsWith("flood "))).toHaveLength(19);
  // Another visitor of the same site is not affected by the flooder.
  expect((await submit(1000, "198.51.100.23")).status).toBe(201);
});
