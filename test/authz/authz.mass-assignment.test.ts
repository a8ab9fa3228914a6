// T-AC3 — Every write route refuses extra fields (teamId, role, ownerId, id, createdAt, __proto__)
// with 400 from a strict schema, and nothing changes.
import { expect, test } from "bun:test";
import { declaredActions } from "../../src/http/authorize.ts";
import { seedWorld } from "../support/teams.ts";
import { requestFor } from "./requests.ts";

const EXTRA = {
  teamId: "AAAAAAAAAAAAAAAAAAAAAA",
  role: "owner",
  ownerId: "x",
  id: "y",
  createdAt: "2020-01-01T00:00:00Z",
  isInstanceAdmin: true,
};

test("extra fields on every JSON write route: 400 naming them, no change", async () => {
  const w = await seedWorld();
  const routes = [...declaredActions(w.t.app).keys()].filter((r) => !r.startsWith("GET ") && !r.startsWith("DELETE "));
  const before =
    JSON.stringify(w.t.store.db.all("SELECT id, name FROM teams ORDER BY id")) +
    JSON.stringify(w.t.store.db.all("SELECT team_id, user_id, role FROM memberships ORDER BY team_id, user_id"));
  const failures: string[] = [];
  let tried = 0;
  for (const route of routes) {
    const r = requestFor(route, w, w.a.owner);
    // Routes that take no input (an empty body) have nothing to assign to.
    if (!r.body || typeof r.body !== "object" || Object.keys(r.body).length === 0) continue;
    const raw = JSON.stringify({ ...(r.body as object), ...EXTRA }).replace(/}$/, ',"__proto__":{"admin":true}}');
    const res = await w.t.app.request(`${w.t.config.publicOrigin}${r.path}`, {
      method: r.method,
      headers: {
        Cookie: (route.includes("/instance/") ? w.admin : w.a.owner).browser.cookieHeader(),
        "Content-Type": "application/json",
        Origin: w.t.config.publicOrigin,
        "X-Requested-With": "t",
        ...(r.headers ?? {}),
      },
      body: raw,
    });
    tried++;
    if (res.status !== 400) {
      failures.push(`${route}: ${res.status}`);
      continue;
    }
    const fields = ((await res.json()).errors ?? []).map((e: { field: string }) => e.field);
    if (!fields.includes("teamId") && !fields.includes("role") && !fields.includes("ownerId"))
      failures.push(`${route}: 400 without naming the extra fields (${fields.join(",")})`);
  }
  const after =
    JSON.stringify(w.t.store.db.all("SELECT id, name FROM teams ORDER BY id")) +
    JSON.stringify(w.t.store.db.all("SELECT team_id, user_id, role FROM memberships ORDER BY team_id, user_id"));
  expect(tried).toBeGreaterThanOrEqual(28);
  expect(failures).toEqual([]);
  expect(after).toBe(before);
  w.t.close();
}, 60_000);
