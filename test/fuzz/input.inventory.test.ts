/**
 * Every route's params, query and body are checked by a valibot schema (T-V1's inventory): walked
 * from the app's registered routes and the OpenAPI document. Input objects are strict (an unknown key
 * is refused, never dropped silently). The few exceptions are listed with their reason in
 * test/support/fuzz/inventory.ts.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { fuzzableRoutes } from "../support/fuzz/harness.ts";
import { INPUT_EXCEPTIONS, lenientObjects, routeInventory, unvalidatedReads } from "../support/fuzz/inventory.ts";
import { FUZZ_SUITES } from "../support/fuzz/suites.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());
const routes = routeInventory(t.app);

type OpenApiDoc = {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: unknown }>>;
};
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

describe("route inventory", () => {
  test("the inventory sees the app's routes", () => {
    expect(routes.length).toBeGreaterThan(100);
    expect(routes.find((r) => r.key === "PATCH /api/v1/teams/:teamId/feedback/:itemId")?.inputs).toEqual({
      param: expect.anything(),
      json: expect.anything(),
    });
  });

  test("every route with params, a query or a body has a schema for each (or is a listed exception)", () => {
    const missing = routes
      .filter((r) => !(r.key in INPUT_EXCEPTIONS))
      .map((r) => ({ route: r.key, missing: unvalidatedReads(r) }))
      .filter((r) => r.missing.length > 0);
    expect(missing).toEqual([]);
  });

  test("every listed exception is a route of the app that really lacks a validate() for what it reads", () => {
    const keys = new Set(routes.map((r) => r.key));
    expect(Object.keys(INPUT_EXCEPTIONS).filter((k) => !keys.has(k))).toEqual([]);
    for (const key of Object.keys(INPUT_EXCEPTIONS)) {
      const route = routes.find((r) => r.key === key)!;
      expect({ key, missing: unvalidatedReads(route).length > 0 }).toEqual({ key, missing: true });
    }
  });

  test("a route's param schema names exactly its path parameters", () => {
    const wrong = routes
      .filter((r) => r.inputs.param)
      .map((r) => {
        const entries = Object.keys((r.inputs.param as unknown as { entries: object }).entries ?? {}).sort();
        return { route: r.key, entries, names: [...r.paramNames].sort() };
      })
      .filter((r) => JSON.stringify(r.entries) !== JSON.stringify(r.names));
    expect(wrong).toEqual([]);
  });

  test("every input schema is strict all the way down (unknown keys are refused, not dropped)", () => {
    const lenient = routes.flatMap((r) =>
      Object.entries(r.inputs).flatMap(([target, schema]) =>
        lenientObjects(schema).map((at) => `${r.key} ${target}${at.slice(1)}`),
      ),
    );
    const otherwise = Object.entries(INPUT_EXCEPTIONS).flatMap(([key, e]) =>
      e.body ? lenientObjects(e.body).map((at) => `${key} body${at.slice(1)}`) : [],
    );
    expect([...lenient, ...otherwise]).toEqual([]);
  });

  test("every route but the OpenAPI document itself is described, and the document has its inputs", async () => {
    const undocumented = routes.filter((r) => !r.described && r.path !== "/api/openapi.json").map((r) => r.key);
    expect(undocumented).toEqual([]);
    const doc = (await (await t.app.request("/api/openapi.json")).json()) as OpenApiDoc;
    const gaps: string[] = [];
    for (const r of routes) {
      if (r.path === "/api/openapi.json") continue;
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      if (!op) {
        gaps.push(`${r.key}: not in the document`);
        continue;
      }
      const params = op.parameters ?? [];
      for (const name of r.paramNames)
        if (!params.some((p) => p.in === "path" && p.name === name)) gaps.push(`${r.key}: path parameter ${name}`);
      if (r.inputs.query && !params.some((p) => p.in === "query")) gaps.push(`${r.key}: query parameters`);
      if ((r.inputs.json || INPUT_EXCEPTIONS[r.key]?.body) && !op.requestBody) gaps.push(`${r.key}: request body`);
    }
    expect(gaps).toEqual([]);
  });

  test("every API route with input is fuzzed by exactly one suite (test/fuzz/fuzz.<suite>.test.ts)", () => {
    const coverage = fuzzableRoutes(routes, /^\/api\/v1\//).map((r) => ({
      route: r.key,
      suites: Object.entries(FUZZ_SUITES)
        .filter(([, s]) => s.paths.test(r.path))
        .map(([name]) => name),
    }));
    expect(coverage.length).toBeGreaterThan(80);
    expect(coverage.filter((c) => c.suites.length !== 1)).toEqual([]);
  });
});
