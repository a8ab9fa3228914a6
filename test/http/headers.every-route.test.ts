// T-H1 / T-H2 — every route of the OpenAPI document the app serves (path parameters filled from a
// seeded world), every built file, signed out and signed in, plus 404, 405, 413, 429 and a forced
// 500: each answer carries the full security header set, a Content-Type with charset where textual,
// no-store on anything a signed-in caller gets, and nothing naming the server or its version. HEAD
// works wherever GET does (but on the live-update stream: 405), with the GET's headers and no body.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { ADMIN_CSP, PREVIEW_CSP } from "../../src/admin/index.ts";
import { API_VERSION } from "../../src/http/openapi.ts";
import { PERMISSIONS_POLICY } from "../../src/http/security-headers.ts";
import { startingApp } from "../../src/http/starting.ts";
import { loadBuiltAssets } from "../../src/lib/built-assets.ts";
import { requestFor } from "../authz/requests.ts";
import { Browser } from "../support/browser.ts";
import { captureLogs } from "../support/logs.ts";
import { seededWorlds, type World } from "../support/teams.ts";
import { createTestApp } from "../support/test-app.ts";

type Caller = "signed out" | "signed in";
type Checked = { route: string; caller: Caller; method: string; path: string; res: Response; body: Uint8Array };

const TEXTUAL = /^(text\/|application\/(.+\+)?json|application\/javascript|image\/svg\+xml)/i;
/** Headers that would name the software or its version. */
const REVEALING = /^(server|x-powered-by|x-aspnet-version|x-runtime|x-version|x-.*-version|x-generator)$/i;

const isWidgetFile = (path: string) => path === "/widget.js" || path.startsWith("/widget/");

/** Every problem with one answer's headers (empty when all hold). */
function headerProblems(c: Checked): string[] {
  const { res, path, caller, body } = c;
  const h = res.headers;
  const where = `${c.route} (${c.method} ${path.split("?")[0]}, ${caller}, ${res.status})`;
  const found: string[] = [];
  const want = (name: string, ok: (value: string | null) => boolean) => {
    if (!ok(h.get(name))) found.push(`${where}: ${name} is ${JSON.stringify(h.get(name))}`);
  };
  want("X-Content-Type-Options", (v) => v === "nosniff");
  want("Referrer-Policy", (v) => v === "no-referrer");
  want("Cross-Origin-Opener-Policy", (v) => v === "same-origin");
  // The widget's files load on any site; everything else (their 404 and 405 too) only on Loupe's own pages.
  const anySite = isWidgetFile(path) && (res.status === 200 || res.status === 304);
  want("Cross-Origin-Resource-Policy", (v) => v === (anySite ? "cross-origin" : "same-origin"));
  // The try page lets the widget it runs capture the tab; every other page denies everything listed.
  want("Permissions-Policy", (v) =>
    path.startsWith("/try/")
      ? v === PERMISSIONS_POLICY.replace("display-capture=()", "display-capture=(self)")
      : v === PERMISSIONS_POLICY,
  );
  want("X-Request-Id", (v) => v !== null && /^[\w-]+$/.test(v));
  want("Cache-Control", (v) => v !== null);
  for (const [name] of h) if (REVEALING.test(name)) found.push(`${where}: reveals ${name}`);

  const type = h.get("Content-Type");
  const hasBody = body.byteLength > 0 || type === "text/event-stream; charset=utf-8";
  if (hasBody && type === null) found.push(`${where}: a body without Content-Type`);
  if (type && TEXTUAL.test(type) && !/;\s*charset=utf-8$/i.test(type)) found.push(`${where}: ${type} without charset`);
  if (c.method === "HEAD" && body.byteLength > 0) found.push(`${where}: HEAD with a body`);

  const json = type !== null && /^application\/(problem\+)?json/.test(type);
  // Signed in, nothing is stored anywhere; signed out, only the widget's public configuration and
  // the built files may be cached.
  const cacheable =
    (res.status === 200 || res.status === 304) && (/\/config$/.test(path) || /^\/(widget|admin)[./]/.test(path));
  // The widget's routes take no credentials (no session code runs there): a cookie changes nothing.
  if (caller === "signed in" && path.startsWith("/api/") && !path.startsWith("/api/v1/widget/"))
    want("Cache-Control", (v) => v === "no-store");
  else if (json && !cacheable) want("Cache-Control", (v) => v === "no-store");

  if (type?.startsWith("text/html")) {
    want("Content-Security-Policy", (v) =>
      path === "/widget-preview"
        ? v === PREVIEW_CSP
        : path.startsWith("/try/")
          ? v !== null && ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"].every((d) => v.includes(d))
          : v === ADMIN_CSP,
    );
  }
  if (res.status === 405) want("Allow", (v) => v !== null && !/TRACE/.test(v));
  return found;
}

async function checked(route: string, caller: Caller, method: string, path: string, res: Response): Promise<Checked> {
  let body = new Uint8Array();
  // The live-update stream never ends by itself: its headers are what is checked.
  if (res.headers.get("Content-Type")?.startsWith("text/event-stream")) await res.body?.cancel();
  else body = new Uint8Array(await res.arrayBuffer());
  return { route, caller, method, path, res, body };
}

/** The document's routes as the app's route keys: `GET /api/v1/teams/:teamId`. */
function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  const routes: string[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const method of Object.keys(item))
      routes.push(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`);
  return routes.sort();
}

let worlds: Awaited<ReturnType<typeof seededWorlds>>;
let w: World;
beforeAll(async () => {
  worlds = await seededWorlds();
  w = worlds.next();
});
afterAll(() => {
  w.t.close();
  worlds.close();
});

test("every documented route, signed out and signed in (and HEAD of each GET): the full header set", async () => {
  const docRes = await w.anonymous.get("/api/openapi.json");
  const doc = await docRes.json();
  // The public document states the API's version, not the release (only instance admins see that).
  expect(doc.info.version).toBe(API_VERSION);
  const routes = documentedRoutes(doc);
  expect(routes.length).toBeGreaterThan(100);
  // The document covers the UI paths and the built files' routes too.
  for (const r of [
    "GET /",
    "GET /account/:section",
    "GET /widget.js",
    "GET /widget/:file",
    "GET /admin/:file",
    "GET /try/:widgetKey",
    "GET /widget-preview",
  ])
    expect(routes).toContain(r);

  const problems: string[] = [];
  const statuses = new Map<number, number>();
  let answers = 0;
  const record = async (c: Checked) => {
    answers++;
    statuses.set(c.res.status, (statuses.get(c.res.status) ?? 0) + 1);
    problems.push(...headerProblems(c));
  };
  for (const route of routes) {
    for (const caller of ["signed out", "signed in"] as const) {
      const who = caller === "signed in" ? w.a.owner : undefined;
      const browser = who?.browser ?? w.anonymous;
      const r = requestFor(route, w, who);
      const res = await browser.request(r.method, r.path, r.body, r.headers ?? {});
      const c = await checked(route, caller, r.method, r.path, res);
      await record(c);
      if (r.method === "GET") {
        const head = await checked(
          route,
          caller,
          "HEAD",
          r.path,
          await browser.request("HEAD", r.path, undefined, r.headers ?? {}),
        );
        await record(head);
        if (route === "GET /api/v1/events")
          expect([head.res.status, head.res.headers.get("Allow")]).toEqual([405, "GET"]);
        else if (head.res.status !== c.res.status)
          problems.push(`${route} (${caller}): HEAD ${head.res.status}, GET ${c.res.status}`);
      }
      // A change that worked gives the next caller a fresh world (a deleted account stays signed out).
      if (r.method !== "GET" && res.status < 400) {
        w.t.close();
        w = worlds.next();
      }
    }
  }
  console.log(
    `headers: ${routes.length} documented routes, ${answers} answers checked; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  expect(problems).toEqual([]);
  // Signed in and out, the sweep met successes and refusals alike.
  for (const status of [200, 201, 204, 400, 401, 404]) expect(statuses.get(status) ?? 0).toBeGreaterThan(0);
}, 300_000);

test("every built file (widget loader and chunks, the admin UI's files), and its 304", async () => {
  const files = [...loadBuiltAssets().keys()].filter((p) => !p.endsWith(".html"));
  expect(files.filter(isWidgetFile).length).toBeGreaterThan(2);
  expect(files.filter((p) => p.startsWith("/admin/")).length).toBeGreaterThan(1);
  const problems: string[] = [];
  for (const path of files) {
    const res = await w.anonymous.get(path);
    expect([path, res.status]).toEqual([path, 200]);
    problems.push(...headerProblems(await checked("built file", "signed out", "GET", path, res)));
    const again = await w.anonymous.get(path, { "If-None-Match": res.headers.get("ETag")! });
    expect([path, again.status]).toEqual([path, 304]);
    problems.push(...headerProblems(await checked("built file", "signed out", "GET", path, again)));
  }
  expect(problems).toEqual([]);
});

test("404, 405 (TRACE, CONNECT, a method the path lacks), 413, 415 and 400 (too deep): the same headers", async () => {
  const owner = w.a.owner.browser;
  const cases: [string, Browser, string, string, unknown, Record<string, string>, number][] = [
    ["unknown page", w.anonymous, "GET", "/no-such-page", undefined, {}, 404],
    ["unknown API path", owner, "GET", "/api/v1/no-such-thing", undefined, {}, 404],
    ["unknown built file", w.anonymous, "GET", "/widget/no-such-chunk.js", undefined, {}, 404],
    ["TRACE", w.anonymous, "TRACE", "/", undefined, {}, 405],
    ["TRACE on an API path", owner, "TRACE", "/api/v1/me", undefined, {}, 405],
    ["CONNECT", w.anonymous, "CONNECT", "/api/v1/me", undefined, {}, 405],
    ["POST to a page", w.anonymous, "POST", "/account", {}, {}, 405],
    ["PUT to the loader", w.anonymous, "PUT", "/widget.js", {}, {}, 405],
    ["DELETE of a chunk", w.anonymous, "DELETE", `/widget/x.js`, undefined, {}, 405],
    ["PUT to an API route", owner, "PUT", "/api/v1/me", { displayName: "x" }, {}, 405],
    ["GET of a POST-only route", owner, "GET", "/api/v1/auth/logout", undefined, {}, 405],
    ["OPTIONS off the widget", w.anonymous, "OPTIONS", "/api/v1/me", undefined, {}, 405],
    ["a body over 64 KB", owner, "PATCH", "/api/v1/me", { displayName: "x".repeat(70_000) }, {}, 413],
    ["text/plain body", owner, "POST", "/api/v1/teams", "name=x", { "Content-Type": "text/plain" }, 415],
  ];
  const problems: string[] = [];
  for (const [name, browser, method, path, body, headers, status] of cases) {
    const res =
      typeof body === "string"
        ? await w.t.app.request(path, {
            method,
            body,
            headers: {
              ...headers,
              Cookie: browser.cookieHeader(),
              Origin: browser.origin,
              "X-Requested-With": "loupe",
            },
          })
        : await browser.request(method, path, body, headers);
    expect([name, res.status]).toEqual([name, status]);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
    problems.push(
      ...headerProblems(await checked(name, browser === owner ? "signed in" : "signed out", method, path, res)),
    );
  }
  const deep = await owner.request("PATCH", "/api/v1/me", {
    displayName: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`),
  });
  expect(deep.status).toBe(400);
  problems.push(...headerProblems(await checked("too deep", "signed in", "PATCH", "/api/v1/me", deep)));
  expect(problems).toEqual([]);
});

test("405 names what the path does support: Allow from the app's own routes", async () => {
  const allow = async (method: string, path: string) => {
    const res = await w.a.owner.browser.request(method, path, method === "GET" ? undefined : {});
    expect([method, path, res.status]).toEqual([method, path, 405]);
    expect((await res.json()).code).toBe("METHOD_NOT_ALLOWED");
    return res.headers.get("Allow");
  };
  expect(await allow("POST", "/api/v1/me")).toBe("DELETE, GET, HEAD, PATCH");
  expect(await allow("GET", "/api/v1/auth/logout")).toBe("POST");
  expect(await allow("PUT", "/")).toBe("GET, HEAD");
  expect(await allow("TRACE", "/api/v1/me")).toBe("DELETE, GET, HEAD, PATCH");
  expect(await allow("DELETE", `/api/v1/teams/${w.a.team.id}/feedback`)).toBe("GET, HEAD, POST");
  // The widget's submission keeps its CORS preflight.
  expect(await allow("GET", `/api/v1/widget/${w.a.project.widgetKey}/feedback`)).toBe("OPTIONS, POST");
  // A path no route has stays 404, whatever the method.
  expect((await w.anonymous.request("DELETE", "/no-such-page")).status).toBe(404);
});

test("429 (the sign-in limiter) and a forced 500: the same headers", async () => {
  const t = createTestApp({}, { authAttemptsPerMinute: 2 });
  try {
    t.app.get("/test/boom", () => {
      throw new Error("boom");
    });
    const browser = new Browser(t.app, t.config.publicOrigin);
    let res: Response | undefined;
    for (let i = 0; i < 5 && res?.status !== 429; i++)
      res = await browser.post("/api/v1/auth/login", { email: "nobody@example.test", password: "wrong-password-x" });
    expect(res!.status).toBe(429);
    const problems = headerProblems(await checked("429", "signed out", "POST", "/api/v1/auth/login", res!));
    const boom = await browser.get("/test/boom");
    expect(boom.status).toBe(500);
    problems.push(...headerProblems(await checked("500", "signed out", "GET", "/test/boom", boom)));
    expect(problems).toEqual([]);
  } finally {
    t.close();
  }
});

test("while the server starts (503 SERVER_STARTING), before any route exists: the same headers", async () => {
  const app = startingApp(captureLogs().logger, { now: () => 0 });
  const problems: string[] = [];
  for (const [method, path] of [
    ["GET", "/"],
    ["POST", "/api/v1/auth/login"],
    ["GET", "/widget.js"],
  ] as const) {
    const res = await app.request(path, { method });
    expect([path, res.status, res.headers.get("Retry-After")]).toEqual([path, 503, "1"]);
    // No file is served while starting, so not even /widget.js answers cross-origin.
    problems.push(...headerProblems(await checked("starting", "signed out", method, path, res)));
  }
  expect(problems).toEqual([]);
});
