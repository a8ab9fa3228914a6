import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import type * as v from "valibot";
import { bodyLimits } from "../../../src/lib/body-limits.ts";
import { enableTotp, signedInUser, signInWithTotp } from "../accounts.ts";
import { Browser } from "../browser.ts";
import { seedTeam } from "../teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../test-app.ts";
import { INPUT_EXCEPTIONS, type RouteInfo, routeInventory } from "./inventory.ts";
import { FUZZ_SUITES, type FuzzSuiteName } from "./suites.ts";
import {
  HOSTILE_STRINGS,
  type Mutation,
  mutationArbitrary,
  toJsonText,
  UNKNOWN_KEY,
  validArbitrary,
} from "./valibot-arbitrary.ts";

/**
 * Schema-driven fuzzing of the API (T-V1): for each route, fast-check builds path parameters, a query
 * and a body from the route's own valibot schemas — mostly valid values aimed at real records (so the
 * request reaches the service), the rest mutated in one place — and sends them as a signed-in client
 * with the right role. Every answer must be below 500; every 4xx problem+json (a validation error
 * naming its fields); an unknown key refused by name; an oversize body 413.
 */

/** Cases per route: 1,000 in `npm test`, LOUPE_FUZZ_RUNS (10,000 in `npm run fuzz`). */
export const FUZZ_RUNS = Number(process.env.LOUPE_FUZZ_RUNS ?? 1_000);
export const JSON_BODY_LIMIT = 64 * 1024;
const SCREENSHOT_MAX = 10_000;
const FEEDBACK_LIMIT = bodyLimits(SCREENSHOT_MAX).feedbackRequest;

/** Codes that answer before the route's service verb runs. */
const STOPPED_BEFORE_SERVICE = new Set([
  "VALIDATION_FAILED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "UNAUTHENTICATED",
  "CSRF_REJECTED",
  "BAD_REQUEST",
]);

export type RouteCounts = {
  route: string;
  cases: number;
  reached: number;
  byStatus: Record<string, number>;
  ms: number;
};

type Caller = { browser: Browser; refresh(): Promise<void>; headers?: () => Record<string, string> };

export type FuzzWorld = {
  t: TestContext;
  routes: RouteInfo[];
  admin: { browser: Browser; secret: string; email: string; password: string };
};

/** One app per test file, with an instance admin (TOTP on, as the instance requires of admins). */
export async function createFuzzWorld(): Promise<FuzzWorld> {
  const t = createTestApp(
    {
      LOUPE_SCREENSHOT_MAX_BYTES: String(SCREENSHOT_MAX),
      LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "10000",
      LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: "100000",
    },
    // A mailer that keeps nothing: the routes that send mail run to the end (no SMTP_NOT_CONFIGURED).
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, mailer: { send: async () => {} } },
  );
  const admin = await signedInUser(t, { admin: true });
  const { secret } = await enableTotp(t, admin.browser, admin.password);
  return { t, routes: routeInventory(t.app), admin: { ...admin, secret } };
}

/**
 * A test file's suite: one test per route whose path matches `paths` (a fresh team for each), the
 * counts printed at the end. The route list comes from the app's own routes, so a new route is
 * fuzzed without being listed anywhere.
 */
export function fuzzSuite(name: FuzzSuiteName): void {
  const { paths, minRoutes } = FUZZ_SUITES[name];
  const probe = createTestApp();
  const routes = fuzzableRoutes(routeInventory(probe.app), paths);
  probe.close();
  let world: FuzzWorld;
  const counts: RouteCounts[] = [];
  beforeAll(async () => {
    world = await createFuzzWorld();
  });
  afterAll(() => {
    console.log(formatCounts(counts));
    world.t.close();
  });
  test(`the suite finds its routes (${paths})`, () => {
    expect(routes.length).toBeGreaterThanOrEqual(minRoutes);
  });
  for (const route of routes)
    test(
      `${route.key}: ${FUZZ_RUNS} schema-driven cases, no 5xx`,
      async () => {
        const result = await fuzzRoute(world, route);
        counts.push(result);
        expect(result.cases).toBe(FUZZ_RUNS);
      },
      Math.max(60_000, FUZZ_RUNS * 100),
    );
} /** The routes the fuzzer sends input to: those with a params, query or body schema. */
export function fuzzableRoutes(routes: RouteInfo[], prefix: RegExp): RouteInfo[] {
  return routes.filter(
    (r) =>
      prefix.test(r.path) &&
      r.path.startsWith("/api/") &&
      (Object.keys(r.inputs).length > 0 || INPUT_EXCEPTIONS[r.key]?.body !== undefined),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: JSON the API answered
async function json(res: Response): Promise<any> {
  if (res.status >= 300) throw new Error(`seeding failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** A fresh team (owner, member, reporter, project, label, items) and a caller with the role the route needs. */
export async function targetFor(world: FuzzWorld, route: RouteInfo) {
  const { t } = world;
  const name = `fz${Math.random().toString(36).slice(2, 8)}`;
  // Seeded without the mailer, so invitations answer their link (with one they are only mailed).
  const ctx = t.ctx as { mailer: TestContext["ctx"]["mailer"] };
  const mailer = ctx.mailer;
  ctx.mailer = undefined;
  const team = await seedTeam(t, name).finally(() => {
    ctx.mailer = mailer;
  });
  const ownerToken = await json(
    await team.owner.browser.post(`/api/v1/teams/${team.team.id}/tokens`, {
      name: "fuzz",
      scope: "read",
      role: "reporter",
    }),
  );
  const sessions = await json(await team.member.browser.get("/api/v1/me/sessions"));
  const relogin = (who: { browser: Browser; email: string; password: string }) => async () => {
    const fresh = new Browser(t.app, t.config.publicOrigin);
    const res = await fresh.post("/api/v1/auth/login", { email: who.email, password: who.password });
    if (res.status === 200) {
      who.browser.cookies.clear();
      for (const [k, val] of fresh.cookies) who.browser.cookies.set(k, val);
      return;
    }
    // The account is gone (deleted itself, or disabled): the route goes on with a new one.
    const next = await signedInUser(t);
    Object.assign(who, { email: next.email, password: next.password });
    who.browser.cookies.clear();
    for (const [k, val] of next.browser.cookies) who.browser.cookies.set(k, val);
  };
  let caller: Caller;
  if (route.path.startsWith("/api/v1/instance")) {
    caller = {
      browser: world.admin.browser,
      refresh: async () => {
        t.clock.advance(30_000);
        const b = await signInWithTotp(t, world.admin.email, world.admin.password, world.admin.secret);
        world.admin.browser.cookies.clear();
        for (const [k, val] of b.cookies) world.admin.browser.cookies.set(k, val);
      },
    };
  } else if (route.path.startsWith("/api/v1/widget")) {
    let n = 0;
    const anonymous = new Browser(t.app, t.config.publicOrigin);
    caller = {
      browser: anonymous,
      refresh: async () => {},
      // Each case from another visitor address (the per-client limit is not what is fuzzed here).
      headers: () => {
        n += 1;
        anonymous.ip = `203.0.${(n >> 8) & 255}.${n & 255}`;
        return { Origin: team.siteOrigin };
      },
    };
  } else if (
    /^\/api\/v1\/(auth|setup|invitations)/.test(route.path) &&
    !["/api/v1/auth/reauth", "/api/v1/invitations/accept"].includes(route.path)
  ) {
    caller = { browser: new Browser(t.app, t.config.publicOrigin), refresh: async () => {} };
  } else {
    const own =
      route.path.startsWith("/api/v1/me") ||
      route.path.startsWith("/api/v1/auth/") ||
      route.path.startsWith("/api/v1/invitations/");
    const who = own ? team.member : team.owner;
    caller = { browser: who.browser, refresh: relogin(who) };
  }
  const users = [team.member.user.id, team.reporter.user.id];
  const pools: Record<string, string[]> = {
    teamId: [team.team.id],
    itemId: [team.item.id, team.memberItem.id],
    projectId: [team.project.id],
    labelId: [team.label.id],
    userId: users,
    assigneeId: [team.owner.user.id, team.member.user.id],
    addLabelId: [team.label.id],
    removeLabelId: [team.label.id],
    // The seeded project defines no categories (and no custom fields).
    categoryId: [],
    invitationId: [team.invitation.id],
    tokenId: [ownerToken.id ?? ownerToken.token?.id].filter(Boolean),
    widgetKey: [team.project.widgetKey],
    id: (sessions.sessions ?? sessions).map?.((s: { id: string }) => s.id) ?? [],
  };
  /**
   * A note appended to an item re-indexes the item's whole search text (feedback_search): ~1.7 ms per
   * KB already there, so a thousand notes on one item take minutes (reported in the note of issue 11).
   * The note routes get a fresh item every 5 cases.
   */
  const notes = route.method === "POST" && /\/(comments|messages)$/.test(route.path);
  const rotate = notes
    ? async () => {
        const item = await json(
          await team.member.browser.post(`/api/v1/teams/${team.team.id}/feedback`, {
            projectId: team.project.id,
            comment: "fuzz target",
          }),
        );
        pools.itemId!.splice(0, pools.itemId!.length, item.id);
      }
    : undefined;
  return { team, caller, pools, rotate };
}

/** encodeURIComponent, with a lone surrogate written as the (invalid) UTF-8 of a surrogate. */
export function encodeSegment(text: string): string {
  return text
    .split(/([\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff])/)
    .map((part, i) => (i % 2 === 1 ? "%ED%A0%80" : encodeURIComponent(part)))
    .join("");
}

/** A path parameter: mostly a real id, sometimes a schema value, a hostile string or a raw bad segment. */
function paramArbitrary(schema: v.GenericSchema | undefined, name: string, pool: string[]): fc.Arbitrary<string> {
  const entry = (schema as unknown as { entries?: Record<string, v.GenericSchema> } | undefined)?.entries?.[name];
  const options: fc.WeightedArbitrary<string>[] = [
    { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_STRINGS.filter(Boolean)).map(encodeSegment) },
    { weight: 1, arbitrary: fc.constantFrom("%ZZ", "%00", "..", "%2e%2e", "a%2Fb", "%E0%A4%A", "x".repeat(5000)) },
  ];
  if (entry) options.push({ weight: 2, arbitrary: validArbitrary(entry).map((x) => encodeSegment(String(x))) });
  // Read at generation time: a pool may be refilled while the route is fuzzed.
  if (pool.length > 0) options.push({ weight: 30, arbitrary: fc.nat().map((i) => pool[i % pool.length]!) });
  return fc.oneof(...options);
}

type Case = {
  params: Record<string, string>;
  query: string;
  queryMutation: Mutation | undefined;
  body: string | undefined;
  bodyMutation: Mutation | undefined;
};

/** A query string from a generated value (an array repeats its key); lone surrogates written as bad UTF-8. */
function queryText(value: unknown): string {
  if (!value || typeof value !== "object" || Array.isArray(value)) return `q=${encodeSegment(String(value))}`;
  const pairs: string[] = [];
  const add = (k: string, val: unknown) =>
    pairs.push(`${encodeSegment(k)}=${encodeSegment(typeof val === "string" ? val : JSON.stringify(val))}`);
  for (const [k, val] of Object.entries(value as Record<string, unknown>)) {
    if (val === undefined) continue;
    if (Array.isArray(val)) for (const item of val) add(k, item);
    else add(k, val);
  }
  return pairs.join("&");
}

function caseArbitrary(route: RouteInfo, pools: Record<string, string[]>, bodyLimit: number): fc.Arbitrary<Case> {
  const params = fc.record(
    Object.fromEntries(route.paramNames.map((n) => [n, paramArbitrary(route.inputs.param, n, pools[n] ?? [])])),
  );
  const querySchema = route.inputs.query;
  const query: fc.Arbitrary<{ text: string; mutation: Mutation | undefined }> = querySchema
    ? fc.oneof(
        {
          weight: 3,
          arbitrary: validArbitrary(querySchema, pools).map((q) => ({ text: queryText(q), mutation: undefined })),
        },
        {
          weight: 2,
          arbitrary: mutationArbitrary(validArbitrary(querySchema, pools), 6_000).map(({ value, mutation }) => ({
            text: queryText(value),
            mutation,
          })),
        },
      )
    : fc.constant({ text: "", mutation: undefined });
  const bodySchema = route.inputs.json ?? INPUT_EXCEPTIONS[route.key]?.body;
  const hasBody = ["POST", "PUT", "PATCH", "DELETE"].includes(route.method);
  const body: fc.Arbitrary<{ text: string | undefined; mutation: Mutation | undefined }> = bodySchema
    ? fc.oneof(
        {
          weight: 10,
          arbitrary: validArbitrary(bodySchema, pools).map((b) => ({ text: toJsonText(b), mutation: undefined })),
        },
        {
          weight: 7,
          arbitrary: mutationArbitrary(validArbitrary(bodySchema, pools), bodyLimit).map(({ value, mutation }) => ({
            text: toJsonText(value),
            mutation,
          })),
        },
        {
          weight: 1,
          arbitrary: fc
            .constantFrom("", "{", "null", "[]", '"x"', '{"a":1}{', "\ufeff{}", "{'a':1}", "1e309")
            .map((text) => ({ text, mutation: { kind: "raw_json", path: "" } as Mutation })),
        },
      )
    : hasBody
      ? fc.constantFrom(
          { text: undefined, mutation: undefined },
          { text: "{}", mutation: undefined },
          { text: `{"${UNKNOWN_KEY}":1}`, mutation: undefined },
        )
      : fc.constant({ text: undefined, mutation: undefined });
  return fc.record({ params, query, body }).map((c) => ({
    params: c.params,
    query: c.query.text,
    queryMutation: c.query.mutation,
    body: c.body.text,
    bodyMutation: c.body.mutation,
  }));
}

/** Why a case's answer is wrong, or undefined. */
async function judge(
  route: RouteInfo,
  c: Case,
  res: Response,
  hadBodySchema: boolean,
  realParams: boolean,
): Promise<string | undefined> {
  const type = res.headers.get("Content-Type") ?? "";
  if (type.startsWith("text/event-stream")) {
    await res.body?.cancel();
    return res.status < 500 ? undefined : `status ${res.status}`;
  }
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  // With real path parameters nothing answers before the body limit (an unknown id may be a 404 first).
  if (c.bodyMutation?.oversize && hadBodySchema && realParams && ![401, 413].includes(res.status))
    return `an oversize body got ${res.status}, not 413`;
  if (res.status < 400) {
    const unknown = (m: Mutation | undefined) => m?.kind === "unknown_key" || m?.kind === "proto_key";
    if (unknown(c.bodyMutation) || unknown(c.queryMutation)) return `an unknown key was accepted (${res.status})`;
    return undefined;
  }
  if (!type.startsWith("application/problem+json")) return `a ${res.status} that is not problem+json (${type})`;
  let problem: { code?: string; status?: number; errors?: { field: string; message: string }[] };
  try {
    problem = JSON.parse(text);
  } catch {
    return `a ${res.status} whose problem+json does not parse`;
  }
  if (problem.status !== res.status || typeof problem.code !== "string")
    return `a malformed problem: ${text.slice(0, 200)}`;
  if (problem.code === "VALIDATION_FAILED") {
    const errors = problem.errors ?? [];
    if (errors.length === 0 || errors.some((e) => typeof e.field !== "string" || e.field === ""))
      return `a validation error that names no field: ${text.slice(0, 300)}`;
    // An unknown key is named by its path; a key nobody may echo (`__proto__`) by its parent.
    for (const [target, m] of [
      ["query", c.queryMutation],
      ["json", c.bodyMutation],
    ] as const) {
      if (!m || (m.kind !== "unknown_key" && m.kind !== "proto_key")) continue;
      if (
        errors.some(
          (e) =>
            !e.field.startsWith(target) &&
            route.inputs.param &&
            e.field in (route.inputs.param as unknown as { entries: object }).entries,
        )
      )
        continue; // a path parameter failed first
      const parent = m.path.split(".").slice(0, -1).join(".");
      const expected = m.kind === "unknown_key" ? [m.path] : [parent || target, parent];
      const rootName = target === "json" && INPUT_EXCEPTIONS[route.key]?.body ? "payload" : target;
      if (!errors.some((e) => (expected.includes(e.field) || e.field === rootName) && /Unknown field/.test(e.message)))
        return `the unknown key ${m.path} (${target}) is not named: ${text.slice(0, 300)}`;
    }
  }
  return undefined;
}

/** Fuzzes one route with `runs` cases; returns the counts, throws fast-check's report on a failing case. */
export async function fuzzRoute(world: FuzzWorld, route: RouteInfo, runs = FUZZ_RUNS): Promise<RouteCounts> {
  const { caller, pools, team, rotate } = await targetFor(world, route);
  const bodySchema = route.inputs.json ?? INPUT_EXCEPTIONS[route.key]?.body;
  const feedbackSubmit = INPUT_EXCEPTIONS[route.key]?.body !== undefined;
  const bodyLimit = feedbackSubmit ? FEEDBACK_LIMIT : JSON_BODY_LIMIT;
  const started = performance.now();
  const counts: RouteCounts = { route: route.key, cases: 0, reached: 0, byStatus: {}, ms: 0 };
  const ifMatch = route.key === "PATCH /api/v1/teams/:teamId/feedback/:itemId";
  const property = fc.asyncProperty(caseArbitrary(route, pools, bodyLimit), async (c) => {
    let path = route.path;
    for (const [name, value] of Object.entries(c.params)) path = path.replace(`:${name}`, value);
    if (c.query) path += `?${c.query}`;
    const headers: Record<string, string> = { ...caller.headers?.() };
    if (c.body !== undefined) headers["Content-Type"] = "application/json";
    if (ifMatch) {
      const current = await caller.browser.get(`/api/v1/teams/${team.team.id}/feedback/${c.params.itemId}`);
      headers["If-Match"] = current.headers.get("ETag") ?? '"v1"';
      await current.body?.cancel();
    }
    // A body goes as raw text (NaN, 1e309, deep nesting cannot be written by JSON.stringify).
    const answer =
      c.body === undefined
        ? await caller.browser.request(route.method, path, undefined, headers)
        : await sendRaw(caller.browser, route.method, path, c.body, headers);
    if (!answer) throw new Error("no response");
    counts.cases += 1;
    const problemCode = answer.headers.get("Content-Type")?.startsWith("application/problem+json")
      ? ((await answer.clone().json()) as { code?: string }).code
      : undefined;
    const key = problemCode ? `${answer.status} ${problemCode}` : String(answer.status);
    counts.byStatus[key] = (counts.byStatus[key] ?? 0) + 1;
    if (answer.status < 500 && !(problemCode && STOPPED_BEFORE_SERVICE.has(problemCode))) counts.reached += 1;
    const realParams = Object.entries(c.params).every(([name, value]) => pools[name]?.includes(value));
    const wrong = await judge(route, c, answer, bodySchema !== undefined, realParams);
    if (answer.status === 401 && problemCode === "UNAUTHENTICATED") await caller.refresh();
    if (rotate && counts.cases % 5 === 0) await rotate();
    if (wrong) throw new Error(`${route.key}: ${wrong}`);
  });
  try {
    await fc.assert(property, { numRuns: runs, endOnFailure: true });
  } catch (error) {
    // fast-check's report quotes the whole counterexample (an oversize body is 64 KB): keep it readable.
    const message = (error as Error).message;
    const cause = ((error as Error).cause as Error | undefined)?.message ?? "";
    throw new Error(`${cause}\n${message.length > 3000 ? `${message.slice(0, 3000)} …` : message}`);
  }
  counts.ms = Math.round(performance.now() - started);
  return counts;
}

async function sendRaw(
  browser: Browser,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<Response> {
  // The same request Browser.request makes (cookies, Origin, X-Requested-With), with a raw body.
  const h: Record<string, string> = {
    "User-Agent": browser.userAgent,
    Cookie: browser.cookieHeader(),
    Origin: browser.origin,
    "X-Requested-With": "loupe",
    ...headers,
  };
  const app = (browser as unknown as { app: { request: (u: string, i: RequestInit, e: object) => Promise<Response> } })
    .app;
  const res = await app.request(`${browser.origin}${path}`, { method, headers: h, body }, { clientIp: browser.ip });
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    if (/max-age=0/i.test(line) || value === "") browser.cookies.delete(name);
    else browser.cookies.set(name, value);
  }
  return res;
}

/** One line per route and a total: cases, the share that reached the service, and counts per status. */
export function formatCounts(all: RouteCounts[]): string {
  const lines = all.map(
    (c) =>
      `${c.route}: ${c.cases} cases in ${(c.ms / 1000).toFixed(1)} s, ${((100 * c.reached) / Math.max(c.cases, 1)).toFixed(0)}% reached the service — ${Object.entries(
        c.byStatus,
      )
        .sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${s}×${n}`)
        .join(", ")}`,
  );
  const cases = all.reduce((s, c) => s + c.cases, 0);
  const reached = all.reduce((s, c) => s + c.reached, 0);
  const statuses: Record<string, number> = {};
  for (const c of all)
    for (const [s, n] of Object.entries(c.byStatus)) statuses[s.split(" ")[0]!] = (statuses[s.split(" ")[0]!] ?? 0) + n;
  lines.push(
    `TOTAL: ${all.length} routes, ${cases} cases, ${((100 * reached) / Math.max(cases, 1)).toFixed(1)}% reached the service; by status ${JSON.stringify(statuses)}`,
  );
  return lines.join("\n");
}
