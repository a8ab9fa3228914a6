// Labels are renamed and recoloured in place (owners and members; another label's name is refused,
// naming the field; another team's label is 404; recorded in the trail). A team token's secret is
// shown once; afterwards the list shows only its first characters, never the secret.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
let T: string;
beforeAll(async () => {
  w = await seedWorld();
  T = `/api/v1/teams/${w.a.team.id}`;
});
afterAll(() => w.t.close());

test("rename and recolour a label; a clash is 409 on name; other teams 404; reporters 403; audited", async () => {
  const id = w.a.label.id;
  const renamed = await w.a.member.browser.patch(`${T}/labels/${id}`, { name: "defect" });
  expect(renamed.status).toBe(200);
  expect(await renamed.json()).toEqual({ id, name: "defect", color: "#cc3333" });
  const recoloured = await w.a.owner.browser.patch(`${T}/labels/${id}`, { color: "#2266AA" });
  expect(await recoloured.json()).toEqual({ id, name: "defect", color: "#2266AA" });
  // The item keeps its label, under the new name.
  await w.a.member.browser.patch(`${T}/labels/${id}`, { name: "Defect", color: "#2266aa" });
  const labels = (await (await w.a.member.browser.get(`${T}/labels`)).json()).labels;
  expect(labels).toEqual([{ id, name: "Defect", color: "#2266aa" }]);

  await w.a.owner.browser.post(`${T}/labels`, { name: "ux", color: "#123456" });
  const clash = await w.a.owner.browser.patch(`${T}/labels/${id}`, { name: "ux" });
  expect(clash.status).toBe(409);
  const problem = await clash.json();
  expect(problem.code).toBe("LABEL_EXISTS");
  expect(problem.errors).toEqual([{ field: "name", message: "Already in use." }]);

  for (const [body, field] of [
    [{}, undefined],
    [{ color: "red" }, "color"],
    [{ name: "" }, "name"],
    [{ name: "x", teamId: w.b.team.id }, "teamId"],
  ] as const) {
    const res = await w.a.owner.browser.patch(`${T}/labels/${id}`, body);
    expect(res.status).toBe(400);
    if (field) expect((await res.json()).errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  expect((await w.a.owner.browser.patch(`${T}/labels/${w.b.label.id}`, { name: "mine" })).status).toBe(404);
  expect((await w.b.owner.browser.patch(`${T}/labels/${id}`, { name: "mine" })).status).toBe(404);
  expect((await w.a.reporter.browser.patch(`${T}/labels/${id}`, { name: "mine" })).status).toBe(403);
  expect((await (await w.b.owner.browser.get(`/api/v1/teams/${w.b.team.id}/labels`)).json()).labels[0].name).toBe(
    "bug",
  );

  const updates = (await (await w.a.owner.browser.get(`${T}/audit?action=label.updated`)).json()).entries;
  expect(updates).toHaveLength(3);
  expect(updates[0].targetName).toBe("Defect");
});

test("a team token's secret once; then only its prefix", async () => {
  const created = await (
    await w.a.owner.browser.post(`${T}/tokens`, { name: "ci", scope: "read", role: "reporter" })
  ).json();
  expect(created.token).toMatch(/^loupe_pat_[A-Za-z0-9_-]{43}$/);
  expect(created.apiToken.prefix).toBe(created.token.slice(0, 14));
  const listed = await (await w.a.owner.browser.get(`${T}/tokens`)).text();
  expect(listed).not.toContain(created.token);
  expect(listed).not.toContain(created.token.slice(0, 20));
  expect(JSON.parse(listed).tokens[0]).toMatchObject({ id: created.apiToken.id, prefix: created.token.slice(0, 14) });
  // The stored row keeps the hash and the prefix, never the secret.
  const row = w.t.store.db.get<Record<string, unknown>>("SELECT * FROM api_tokens WHERE id = ?", created.apiToken.id)!;
  expect(Object.values(row)).not.toContain(created.token);
  expect(row.token_prefix).toBe(created.token.slice(0, 14));
});
