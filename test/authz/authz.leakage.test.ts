// T-AC4 / T-AC5 — List, search, export and count as team A never show team B's canaries (2 teams ×
// 500 items); membership is checked live: a removed member's next request is 404, a downgraded
// member's next forbidden action 403, an invited-but-not-accepted user 404.
import { expect, test } from "bun:test";
import { seedItems, seedWorld } from "../support/teams.ts";

test("T-AC4: 2 × 500 items with canaries: no B canary in any A response", async () => {
  const w = await seedWorld();
  seedItems(w.t, w.a.team.id, w.a.project.id, w.a.reporter.user.id, 500, (i) => `ALPHACANARY${i} shared-word`);
  seedItems(w.t, w.b.team.id, w.b.project.id, w.b.reporter.user.id, 500, (i) => `BETACANARY${i} shared-word`);
  const T = `/api/v1/teams/${w.a.team.id}`;
  const bodies: string[] = [];
  for (const who of [w.a.owner, w.a.member, w.a.reporter]) {
    let cursor: string | null = null;
    do {
      const res: Response = await who.browser.get(`${T}/feedback?limit=200${cursor ? `&cursor=${cursor}` : ""}`);
      const page = await res.json();
      bodies.push(JSON.stringify(page));
      cursor = page.nextCursor;
    } while (cursor);
    for (const q of ["shared", "BETACANARY1", "canary", "word"]) {
      bodies.push(await (await who.browser.get(`${T}/feedback/search?q=${q}&limit=200`)).text());
      bodies.push(await (await who.browser.get(`/api/v1/feedback/search?q=${q}&limit=200`)).text());
    }
    // The inbox across the caller's teams, walked to its end.
    let across: string | null = null;
    do {
      const res: Response = await who.browser.get(`/api/v1/feedback?limit=200${across ? `&cursor=${across}` : ""}`);
      const page = await res.json();
      bodies.push(JSON.stringify(page));
      across = page.nextCursor;
    } while (across);
  }
  bodies.push(await (await w.a.owner.browser.get(`${T}/audit/export?format=csv`)).text());
  bodies.push(await (await w.a.owner.browser.get(`${T}/audit/export?format=json`)).text());
  bodies.push(await (await w.a.owner.browser.get(`${T}/audit`)).text());
  bodies.push(await (await w.a.owner.browser.get(`${T}/members`)).text());
  bodies.push(await (await w.a.owner.browser.get(`${T}/projects`)).text());
  bodies.push(await (await w.a.owner.browser.get("/api/v1/teams")).text());
  const all = bodies.join("\n");
  expect(all).toContain("ALPHACANARY499");
  expect(all).not.toContain("BETACANARY");
  expect(all).not.toContain(w.b.team.id);
  expect(all).not.toContain(w.b.project.id);
  // The member walked all 502 of A's items through the cursor.
  const memberPages = bodies.filter((b) => b.startsWith('{"items"')).slice(0, 10);
  expect(memberPages.length).toBeGreaterThan(2);
  w.t.close();
}, 60_000);

test("T-AC5: removed → 404 at once; downgraded → 403 at once; invited-not-accepted → 404; sign-in continues elsewhere", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  // The member also belongs to a team of their own.
  const own = await (await w.a.member.browser.post("/api/v1/teams", { name: "member's own" })).json();
  expect((await w.a.member.browser.get(`${T}/feedback/${w.a.item.id}/comments`)).status).toBe(200);
  expect((await w.a.owner.browser.patch(`${T}/members/${w.a.member.user.id}`, { role: "reporter" })).status).toBe(200);
  expect((await w.a.member.browser.get(`${T}/feedback/${w.a.item.id}/comments`)).status).toBe(403);
  expect((await w.a.owner.browser.delete(`${T}/members/${w.a.member.user.id}`)).status).toBe(200);
  expect((await w.a.member.browser.get(`${T}/feedback`)).status).toBe(404);
  expect((await w.a.member.browser.get(`/api/v1/teams/${own.id}`)).status).toBe(200);
  expect((await w.a.member.browser.get("/api/v1/me")).status).toBe(200);
  // Invited but not accepted: no access.
  const invitee = await (await import("../support/accounts.ts")).signedInUser(w.t, {
    email: "alpha.pending@example.test",
  });
  expect((await invitee.browser.get(`${T}/feedback`)).status).toBe(404);
  // A reporter can never delete.
  expect((await w.a.reporter.browser.delete(`${T}/feedback/${w.a.item.id}`)).status).toBe(403);
  // The last owner cannot leave or be demoted.
  expect((await w.a.owner.browser.patch(`${T}/members/${w.a.owner.user.id}`, { role: "member" })).status).toBe(409);
  w.t.close();
});
