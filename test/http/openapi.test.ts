// Invariant: every route of the app is described in the OpenAPI 3.1 document at /api/openapi.json.
import { afterAll, expect, test } from "bun:test";
import { createTestApp } from "../support/test-app.ts";

const ctx = createTestApp();
afterAll(() => ctx.close());

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, "{$1}");
}

test("the document is OpenAPI 3.1 and lists every route of the app (middleware excluded)", async () => {
  const res = await ctx.app.request("/api/openapi.json");
  expect(res.status).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe("3.1.0");
  expect(doc.components.schemas.Problem.required).toContain("requestId");
  const routes = ctx.app.routes.filter((r) => r.method !== "ALL" && r.path !== "/api/openapi.json");
  expect(routes.length).toBeGreaterThan(0);
  const missing = routes.filter((r) => !doc.paths?.[toOpenApiPath(r.path)]?.[r.method.toLowerCase()]);
  expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
});

test("a route added without a description is caught", async () => {
  const local = createTestApp();
  try {
    local.app.get("/api/v1/undocumented", (c) => c.json({}));
    const doc = await (await local.app.request("/api/openapi.json")).json();
    const undocumented = local.app.routes.filter(
      (r) =>
        r.method !== "ALL" &&
        r.path !== "/api/openapi.json" &&
        !doc.paths?.[toOpenApiPath(r.path)]?.[r.method.toLowerCase()],
    );
    expect(undocumented.map((r) => r.path)).toEqual(["/api/v1/undocumented"]);
  } finally {
    local.close();
  }
});
