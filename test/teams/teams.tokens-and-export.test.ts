// Team API tokens act only in their team, with at most their role (never above their creator's), never
// on personal routes, and stop when revoked; a team export (owners, re-authenticated) holds the team's
// data and nothing of other teams, and is recorded in the trail.
import { expect, test } from "bun:test";
import { seedWorld } from "../support/teams.ts";

test("a team token: its team only, its role at most, no personal routes, revocable, audited", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  const created = await w.a.owner.browser.post(`${T}/tokens`, { name: "ci", scope: "write", role: "reporter" });
  expect(created.status).toBe(201);
  const { token, apiToken } = await created.json();
  const bearer = { Authorization: `Bearer ${token}` };
  const anon = w.anonymous;
  // As a reporter of team A: may submit, sees only its own submissions, may not triage.
  const submitted = await anon.request(
    "POST",
    `${T}/feedback`,
    { projectId: w.a.project.id, comment: "from CI" },
    bearer,
  );
  expect(submitted.status).toBe(201);
  const list = await (await anon.request("GET", `${T}/feedback`, undefined, bearer)).json();
  expect(list.items.map((i: { comment: string }) => i.comment)).toEqual(["from CI"]);
  expect((await anon.request("GET", `${T}/feedback/${w.a.item.id}/comments`, undefined, bearer)).status).toBe(403);
  // Not another team, not personal routes.
  expect((await anon.request("GET", `/api/v1/teams/${w.b.team.id}/feedback`, undefined, bearer)).status).toBe(404);
  expect((await anon.request("GET", "/api/v1/me", undefined, bearer)).status).toBe(403);
  expect((await anon.request("GET", "/api/v1/teams", undefined, bearer)).status).toBe(403);
  // Listed without its secret; revoked at once.
  const tokens = await (await w.a.owner.browser.get(`${T}/tokens`)).text();
  expect(tokens).not.toContain(token);
  expect((await w.a.owner.browser.delete(`${T}/tokens/${apiToken.id}`)).status).toBe(200);
  expect((await anon.request("GET", `${T}/feedback`, undefined, bearer)).status).toBe(401);
  const actions = w.t.store.db
    .all<{ action: string }>("SELECT action FROM audit_log WHERE team_id = ? AND action LIKE 'token.%'", w.a.team.id)
    .map((r) => r.action);
  expect(actions).toEqual(["token.created", "token.revoked"]);
  // A member's token cannot exceed the member (owners only create tokens anyway).
  expect((await w.a.member.browser.post(`${T}/tokens`, { name: "x", scope: "read", role: "member" })).status).toBe(403);
  w.t.close();
});

test("a team export: everything of the team, nothing of others; re-authentication first; audited", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  w.t.clock.advance(6 * 60_000);
  expect((await w.a.owner.browser.get(`${T}/export`)).status).toBe(403);
  await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password });
  const res = await w.a.owner.browser.get(`${T}/export`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Disposition")).toContain("attachment");
  const text = await res.text();
  const data = JSON.parse(text);
  expect(data.team.id).toBe(w.a.team.id);
  expect(data.feedback.items).toHaveLength(2);
  expect(data.feedback.comments[0].body).toBe("alpha internal note");
  expect(data.feedback.screenshots[0].base64.length).toBeGreaterThan(20);
  expect(data.members).toHaveLength(3);
  expect(text).not.toContain("beta");
  expect(text).not.toContain(w.b.team.id);
  expect((await w.a.member.browser.get(`${T}/export`)).status).toBe(403);
  expect(
    w.t.store.db.get("SELECT seq FROM audit_log WHERE action = 'data.exported' AND team_id = ?", w.a.team.id),
  ).toBeDefined();
  w.t.close();
});

test("rotating a widget key: the old key no longer finds the project", async () => {
  const w = await seedWorld();
  const { findProjectByWidgetKey } = await import("../../src/store/projects.ts");
  const old = w.a.project.widgetKey;
  expect(findProjectByWidgetKey(w.t.store.db, old)?.id).toBe(w.a.project.id);
  const rotated = await (
    await w.a.owner.browser.post(`/api/v1/teams/${w.a.team.id}/projects/${w.a.project.id}/widget-key`)
  ).json();
  expect(rotated.widgetKey).not.toBe(old);
  expect(findProjectByWidgetKey(w.t.store.db, old)).toBeUndefined();
  expect(findProjectByWidgetKey(w.t.store.db, rotated.widgetKey)?.id).toBe(w.a.project.id);
  w.t.close();
});

test("CSV cells cannot become formulas (T-V4)", async () => {
  const { csvCell, toCsv } = await import("../../src/lib/csv.ts");
  for (const danger of ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"])
    expect(csvCell(danger).startsWith(`"'`)).toBe(true);
  expect(csvCell('a "quoted", value')).toBe('"a ""quoted"", value"');
  expect(toCsv(["h"], [["x"]])).toBe('"h"\r\n"x"\r\n');
});

test("a route that declares no action stops the app from starting", async () => {
  const { Hono } = await import("hono");
  const { publicAction, assertEveryRouteDeclaresAnAction } = await import("../../src/http/authorize.ts");
  const app = new Hono();
  app.get("/declared", publicAction, (c) => c.text("ok"));
  expect(() => assertEveryRouteDeclaresAnAction(app as never)).not.toThrow();
  app.get("/forgotten", (c) => c.text("oops"));
  expect(() => assertEveryRouteDeclaresAnAction(app as never)).toThrow("GET /forgotten");
});

test("API tokens: a personal token acts as a member at most; no token passes an SSO-required team", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password });
  const { token } = await (
    await w.a.owner.browser.post("/api/v1/me/tokens", { name: "owner's", scope: "write" })
  ).json();
  const bearer = { Authorization: `Bearer ${token}` };
  expect((await w.anonymous.request("GET", `${T}/feedback`, undefined, bearer)).status).toBe(200);
  for (const [method, path, body] of [
    ["PATCH", `${T}/policy`, { mfaRequired: false }],
    ["POST", `${T}/invitations`, { email: "x@example.test", role: "owner" }],
    ["POST", `${T}/support-access`, { hours: 2 }],
    ["GET", `${T}/export`, undefined],
  ] as const) {
    expect({ path, status: (await w.anonymous.request(method, path, body, bearer)).status }).toEqual({
      path,
      status: 403,
    });
  }
  w.t.store.db.write(() => w.t.store.db.run("UPDATE teams SET sso_required = 1 WHERE id = ?", w.a.team.id));
  const refused = await w.anonymous.request("GET", `${T}/feedback`, undefined, bearer);
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("SSO_REQUIRED");
  w.t.close();
});

test("a project with feedback is not deleted (409); an empty one is, in the trail; a deleted team stays in the instance trail", async () => {
  const w = await seedWorld();
  const T = `/api/v1/teams/${w.a.team.id}`;
  expect((await w.a.owner.browser.delete(`${T}/projects/${w.a.project.id}`)).status).toBe(409);
  const empty = await (await w.a.owner.browser.post(`${T}/projects`, { name: "empty" })).json();
  expect((await w.a.owner.browser.delete(`${T}/projects/${empty.id}`)).status).toBe(200);
  const actions = w.t.store.db
    .all<{ action: string }>("SELECT action FROM audit_log WHERE team_id = ?", w.a.team.id)
    .map((r) => r.action);
  expect(actions).toContain("project.created");
  expect(actions).toContain("project.deleted");
  await w.a.owner.browser.post("/api/v1/auth/reauth", { password: w.a.owner.password });
  expect((await w.a.owner.browser.delete(T)).status).toBe(200);
  const trail = await (await w.admin.browser.get("/api/v1/instance/audit")).json();
  expect(
    trail.entries.some(
      (e: { action: string; targetId: string }) => e.action === "team.deleted" && e.targetId === w.a.team.id,
    ),
  ).toBe(true);
  w.t.close();
});
