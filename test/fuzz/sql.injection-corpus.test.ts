/**
 * T-V3: an SQL-injection corpus (classic tautologies, stacked statements, UNION SELECT, comment
 * tricks, LIKE wildcards, FTS5 query syntax) sent through every parameter of every API route — each
 * path parameter, each query key and each top-level body field — as a caller with the right role.
 * No answer is a 5xx, and a read route changes no row of any table.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import fc from "fast-check";
import * as v from "valibot";
import { createFuzzWorld, encodeSegment, type FuzzWorld, fuzzableRoutes, targetFor } from "../support/fuzz/harness.ts";
import { INPUT_EXCEPTIONS, routeInventory } from "../support/fuzz/inventory.ts";
import { validArbitrary } from "../support/fuzz/valibot-arbitrary.ts";
import { createTestApp } from "../support/test-app.ts";

export const SQL_INJECTION_CORPUS = [
  "' OR 1=1--",
  "' OR '1'='1",
  '" OR ""="',
  "1 OR 1=1",
  "'; DROP TABLE feedback_items; --",
  '"; DROP TABLE users; --',
  "1; DELETE FROM users",
  "' UNION SELECT email, password_hash FROM users--",
  "1 UNION ALL SELECT NULL,NULL,NULL,NULL--",
  "admin'--",
  "'/**/OR/**/1=1/*",
  "' OR 1=1 -- -",
  "x' AND (SELECT count(*) FROM sqlite_master) > 0 AND 'a'='a",
  "'; ATTACH DATABASE '/tmp/loupe-pwn.db' AS pwn; --",
  "' || (SELECT hex(randomblob(8))) || '",
  "%",
  "_",
  "%' OR 'x' LIKE '%",
  "\\' OR 1=1 --",
  "\u0000' OR 1=1--",
  // FTS5 query syntax: operators, column filters, NEAR, prefixes, unbalanced quotes.
  'alpha" OR "beta',
  "NEAR(alpha beta, 2)",
  "title:secret OR comment:*",
  "alpha AND NOT beta OR -gamma ^delta",
  '"unterminated',
  "*",
  "(((",
  "{internal_text}: x",
];

const SHARED_TEAM_ROUTES = /^GET /;

type Snapshot = Record<string, string>;

/** A digest of every row of every table (FTS shadow tables included). */
function snapshot(world: FuzzWorld): Snapshot {
  const db = world.t.store.db;
  const tables = db
    .all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .map((r) => r.name);
  const out: Snapshot = {};
  for (const table of tables) {
    // A payload in :teamId is a team the caller cannot see: the denial is recorded as a security event.
    const rows =
      table === "activity_events"
        ? db.all("SELECT * FROM activity_events WHERE type <> 'access.denied'")
        : db.all(`SELECT * FROM "${table.replaceAll('"', '""')}"`);
    out[table] = `${rows.length}:${createHash("sha256")
      .update(
        JSON.stringify(rows, (_k, value) =>
          value instanceof Uint8Array
            ? Buffer.from(value).toString("hex")
            : typeof value === "bigint"
              ? String(value)
              : value,
        ),
      )
      .digest("hex")
      .slice(0, 16)}`;
  }
  return out;
}

/**
 * Tables a read legitimately writes: the session's last activity (sliding expiry) and, for the
 * exports, the audit entry that records who exported what.
 */
const READ_WRITES: Record<string, string[]> = {
  "*": ["sessions"],
  "GET /api/v1/teams/:teamId/export": ["audit_log"],
  "GET /api/v1/teams/:teamId/audit/export": ["audit_log"],
  "GET /api/v1/instance/backups/:name/download": ["audit_log"],
};

/** A value the schema accepts, to carry one payload in one field at a time. */
function validSample(schema: v.GenericSchema): Record<string, unknown> {
  const samples = fc.sample(validArbitrary(schema), { numRuns: 200, seed: 11 });
  return (samples.find((s) => v.is(schema, s)) ?? samples[0] ?? {}) as Record<string, unknown>;
}

const probe = createTestApp();
const routes = fuzzableRoutes(routeInventory(probe.app), /^\/api\/v1\//);
probe.close();

let world: FuzzWorld;
const tally = { requests: 0, byStatus: {} as Record<number, number> };
beforeAll(async () => {
  world = await createFuzzWorld();
});
afterAll(() => {
  console.log(`SQL injection corpus: ${tally.requests} requests, by status ${JSON.stringify(tally.byStatus)}`);
  world.t.close();
});

describe("the SQL injection corpus through every parameter", () => {
  test("the corpus covers every API route with input", () => {
    expect(routes.length).toBeGreaterThan(80);
  });

  for (const route of routes) {
    test(`${route.key}`, async () => {
      const { caller, pools } = await targetFor(world, route);
      const params = Object.fromEntries(route.paramNames.map((n) => [n, pools[n]?.[0] ?? "AAAAAAAAAAAAAAAAAAAAAA"]));
      const query = route.inputs.query ? validSample(route.inputs.query) : {};
      const bodySchema = route.inputs.json ?? INPUT_EXCEPTIONS[route.key]?.body;
      const body = bodySchema ? validSample(bodySchema) : undefined;
      const queryKeys = route.inputs.query
        ? Object.keys((route.inputs.query as unknown as { entries: object }).entries)
        : [];
      const bodyKeys = bodySchema ? Object.keys((bodySchema as unknown as { entries?: object }).entries ?? {}) : [];
      const slots = [
        ...route.paramNames.map((n) => ({ where: "param" as const, key: n })),
        ...queryKeys.map((k) => ({ where: "query" as const, key: k })),
        ...bodyKeys.map((k) => ({ where: "body" as const, key: k })),
      ];
      const isRead = SHARED_TEAM_ROUTES.test(route.key);
      const before = isRead ? snapshot(world) : undefined;
      const failures: string[] = [];
      for (const slot of slots)
        for (const payload of SQL_INJECTION_CORPUS) {
          let path = route.path;
          for (const [name, value] of Object.entries(params))
            path = path.replace(
              `:${name}`,
              slot.where === "param" && slot.key === name ? encodeSegment(payload) : value,
            );
          const q = { ...query, ...(slot.where === "query" ? { [slot.key]: payload } : {}) };
          const search = Object.entries(q)
            .filter(([, value]) => value !== undefined)
            .map(([k, value]) => `${k}=${encodeSegment(typeof value === "string" ? value : JSON.stringify(value))}`)
            .join("&");
          if (search) path += `?${search}`;
          const sent =
            body === undefined ? undefined : { ...body, ...(slot.where === "body" ? { [slot.key]: payload } : {}) };
          const res = await caller.browser.request(route.method, path, sent, caller.headers?.() ?? {});
          tally.requests += 1;
          tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
          if (res.headers.get("Content-Type")?.startsWith("text/event-stream")) await res.body?.cancel();
          else await res.arrayBuffer();
          if (res.status >= 500)
            failures.push(`${slot.where} ${slot.key} = ${JSON.stringify(payload)} → ${res.status}`);
          if (res.status === 401) await caller.refresh();
        }
      expect(failures).toEqual([]);
      if (before) {
        const after = snapshot(world);
        const allowed = new Set([...(READ_WRITES["*"] ?? []), ...(READ_WRITES[route.key] ?? [])]);
        const changed = Object.keys({ ...before, ...after }).filter((t) => !allowed.has(t) && before[t] !== after[t]);
        expect(changed).toEqual([]);
      }
    }, 120_000);
  }

  test("search: LIKE wildcards and FTS5 syntax are words, not operators", async () => {
    const route = routes.find((r) => r.key === "GET /api/v1/teams/:teamId/feedback/search")!;
    const { caller, team } = await targetFor(world, route);
    const search = async (q: string) => {
      const res = await caller.browser.get(`/api/v1/teams/${team.team.id}/feedback/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    };
    // The team has two items; a wildcard or an always-true expression must not list them.
    expect(await search("%")).toEqual([]);
    expect(await search("_")).toEqual([]);
    expect(await search("*")).toEqual([]);
    expect(await search("' OR 1=1--")).toEqual([]);
    expect(await search('" OR "')).toEqual([]);
    // Words still match: FTS operators around them are ignored, not parsed.
    const reporterItem = team.item.id as string;
    expect(await search("reporter")).toEqual([reporterItem]);
    expect(await search('reporter" OR "member')).toEqual([]);
    expect(await search("NEAR(reporter")).toEqual([]);
    expect(await search("comment:reporter")).toEqual([]);
  });
});
