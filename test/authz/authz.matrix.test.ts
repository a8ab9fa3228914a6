// T-AC1 / T-AC2 — Every route of the running app (from Hono's route list) is called by every kind of
// caller and answers the status of the checked-in matrix (test/authz/matrix.ts); a route without a
// row fails. Outsiders get 404, never 403. Team A's members calling with team B's ids get 404 and
// leave team B's rows exactly as they were.
import { expect, test } from "bun:test";
import { declaredActions } from "../../src/http/authorize.ts";
import type { Browser } from "../support/browser.ts";
import { seededWorlds, seedWorld, type World } from "../support/teams.ts";
import { MATRIX, type MatrixRole, ROLES } from "./matrix.ts";
import { requestFor } from "./requests.ts";

function caller(w: World, role: MatrixRole): { browser: Browser; password: string } | undefined {
  switch (role) {
    case "anonymous":
      return undefined;
    case "otherOwner":
      return w.b.owner;
    case "admin":
      return w.admin;
    default:
      return w.a[role];
  }
}

async function call(w: World, route: string, role: MatrixRole): Promise<number> {
  const who = caller(w, role);
  const r = requestFor(route, w, who);
  const browser = who?.browser ?? w.anonymous;
  const res = await browser.request(r.method, r.path, r.body, r.headers ?? {});
  return res.status;
}

test("every route has a row, and every cell of the matrix holds", async () => {
  const worlds = await seededWorlds();
  let w = worlds.next();
  const routes = [...declaredActions(w.t.app).keys()].sort();
  const missing = routes.filter((r) => !(r in MATRIX));
  expect(missing).toEqual([]);
  const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
  expect(stale).toEqual([]);

  const mismatches: string[] = [];
  let cells = 0;
  for (const route of routes) {
    for (const [i, role] of ROLES.entries()) {
      const expected = MATRIX[route]![i]!;
      const status = await call(w, route, role);
      cells++;
      if (status !== expected) mismatches.push(`${route} as ${role}: ${status}, expected ${expected}`);
      // A successful change gives the next caller a fresh world.
      if (!route.startsWith("GET ") && status < 400 && status !== 302) {
        w.t.close();
        w = worlds.next();
      }
    }
  }
  w.t.close();
  worlds.close();
  expect(mismatches).toEqual([]);
  expect(cells).toBe(routes.length * ROLES.length);
}, 300_000);

function teamRowsHash(w: World, teamId: string): string {
  const tables = [
    "teams",
    "memberships",
    "invitations",
    "projects",
    "labels",
    "feedback_items",
    "feedback_labels",
    "screenshots",
    "feedback_comments",
    "feedback_messages",
    "support_access",
  ];
  const hasher = new Bun.CryptoHasher("sha256");
  for (const table of tables) {
    const column = table === "teams" ? "id" : "team_id";
    const rows = w.t.store.db.all(`SELECT * FROM ${table} WHERE ${column} = ? ORDER BY rowid`, teamId);
    hasher.update(JSON.stringify(rows, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)));
  }
  return hasher.digest("hex");
}

test("IDOR sweep: team A's roles with team B's ids → 404 on every id-bearing route; B unchanged", async () => {
  const w = await seedWorld();
  const before = teamRowsHash(w, w.b.team.id);
  const routes = [...declaredActions(w.t.app).keys()].filter((r) => r.includes("/api/v1/teams/:teamId"));
  const swap = (path: string, sameTeamId: boolean) =>
    path
      .replaceAll(w.a.item.id, w.b.item.id)
      .replaceAll(w.a.project.id, w.b.project.id)
      .replaceAll(w.a.label.id, w.b.label.id)
      .replaceAll(w.a.member.user.id, w.b.member.user.id)
      .replaceAll(w.a.invitation.id, w.b.invitation.id)
      .replaceAll(`/teams/${w.a.team.id}`, `/teams/${sameTeamId ? w.a.team.id : w.b.team.id}`);
  const failures: string[] = [];
  let calls = 0;
  for (const route of routes) {
    for (const role of ["reporter", "member", "owner"] as const) {
      const r = requestFor(route, w, w.a[role]);
      const body = r.body && typeof r.body === "object" ? JSON.parse(swap(JSON.stringify(r.body), true)) : r.body;
      for (const sameTeamId of [false, true]) {
        const path = swap(r.path, sameTeamId);
        // With A's own team id, only routes that name a B object can be tested.
        if (sameTeamId && path === r.path) continue;
        const res = await w.a[role].browser.request(r.method, path, body, r.headers ?? {});
        calls++;
        if (res.status !== 404 && !(sameTeamId && res.status === 403))
          failures.push(`${route} as A's ${role} (${sameTeamId ? "A's team id" : "B's team id"}): ${res.status}`);
      }
    }
  }
  expect(calls).toBeGreaterThan(100);
  expect(failures).toEqual([]);
  expect(teamRowsHash(w, w.b.team.id)).toBe(before);
  w.t.close();
}, 120_000);
