// Invariant: GET /metrics is never public by accident — with no token it answers 404 on the main
// listener; with LOUPE_METRICS_TOKEN only a request carrying that bearer token gets it (401 otherwise).
// Its output is valid Prometheus text (a strict parser), its labels are route patterns and codes only
// (no ids, no raw paths), and its counters and gauges follow what the server did.
import { afterEach, expect, test } from "bun:test";
import { createLoupeMetrics, metricsRoutes } from "../../src/http/metrics.ts";
import { AppError } from "../../src/lib/app-error.ts";
import { type MetricFamily, parsePrometheusText, sampleValue } from "../support/prometheus.ts";
import { openEvents } from "../support/sse.ts";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const TOKEN = "m3tr1cs-t0ken-0123456789abcdef-XYZ";
const ORIGIN = "https://alpha.example.test";
const newId = () => crypto.randomUUID().replaceAll("-", "");

async function scrape(ctx: TestContext): Promise<Map<string, MetricFamily>> {
  const res = await ctx.app.request("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return parsePrometheusText(await res.text());
}

test("no token configured: /metrics is 404 on the main listener, the same problem as any unknown path", async () => {
  t = createTestApp();
  const res = await t.app.request("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(404);
  expect((await res.json()).code).toBe("NOT_FOUND");
  const other = await t.app.request("/no-such-path");
  expect(other.status).toBe(404);
});

test("with LOUPE_METRICS_TOKEN: 401 without a token, with a wrong one, or another scheme; 200 with it", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN });
  const refused: Record<string, string>[] = [
    {},
    { Authorization: "Bearer wrong-token-wrong-token-wrong-token" },
    { Authorization: `Bearer ${TOKEN}x` },
    { Authorization: `Bearer ${TOKEN.slice(0, -1)}` },
    { Authorization: `Basic ${btoa(`metrics:${TOKEN}`)}` },
    { Authorization: `Bearer  ${TOKEN}` },
  ];
  for (const headers of refused) {
    const res = await t.app.request("/metrics", { headers });
    expect(`${JSON.stringify(headers)} ${res.status}`).toBe(`${JSON.stringify(headers)} 401`);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="metrics"');
    const body = await res.json();
    expect(body.code).toBe("UNAUTHENTICATED");
    expect(JSON.stringify(body)).not.toContain(TOKEN);
  }
  const ok = await t.app.request("/metrics", { headers: { Authorization: `bearer ${TOKEN}` } });
  expect(ok.status).toBe(200);
  const text = await ok.text();
  parsePrometheusText(text);
  expect(text).toContain('loupe_build_info{version="test"} 1');
});

test("a token shorter than 32 characters is refused at start-up, naming the variable", () => {
  expect(() => createTestApp({ LOUPE_METRICS_TOKEN: "short-token" })).toThrow(/LOUPE_METRICS_TOKEN/);
  expect(() => createTestApp({ LOUPE_METRICS_TOKEN: `${"a".repeat(20)} ${"b".repeat(20)}` })).toThrow(
    /LOUPE_METRICS_TOKEN/,
  );
});

test("the version appears only on /metrics: public responses carry no version header or field", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN });
  for (const path of ["/healthz", "/readyz", "/no-such-path"]) {
    const res = await t.app.request(path);
    expect([...res.headers.keys()].filter((h) => /version|server|powered/i.test(h))).toEqual([]);
    expect(await res.text()).not.toContain('"version"');
  }
});

test("every family has HELP and TYPE; histograms are cumulative with +Inf = _count; the expected families exist", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN });
  for (let i = 0; i < 5; i++) await t.app.request("/healthz");
  const families = await scrape(t);
  for (const f of families.values()) {
    expect(`${f.name} ${typeof f.help}`).toBe(`${f.name} string`);
    expect(f.type).not.toBe("untyped");
  }
  const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]));
  expect(types).toMatchObject({
    loupe_http_requests_total: "counter",
    loupe_http_request_duration_seconds: "histogram",
    loupe_feedback_submitted_total: "counter",
    loupe_widget_submissions_refused_total: "counter",
    loupe_rate_limited_total: "counter",
    loupe_storage_full_total: "counter",
    loupe_active_sessions: "gauge",
    loupe_sse_streams: "gauge",
    loupe_database_storage_full: "gauge",
    loupe_backup_last_success_timestamp_seconds: "gauge",
    loupe_backup_last_drill_success: "gauge",
    loupe_database_bytes: "gauge",
    loupe_database_wal_bytes: "gauge",
    loupe_backup_directory_bytes: "gauge",
    loupe_data_volume_free_bytes: "gauge",
    process_resident_memory_bytes: "gauge",
    loupe_heap_used_bytes: "gauge",
    loupe_build_info: "gauge",
  });
  const latency = families.get("loupe_http_request_duration_seconds") as MetricFamily;
  const healthz = latency.samples.filter((s) => s.labels.route === "/healthz");
  const buckets = healthz.filter((s) => s.name.endsWith("_bucket"));
  expect(buckets.length).toBeGreaterThanOrEqual(10);
  const count = healthz.find((s) => s.name.endsWith("_count"))?.value;
  expect(count).toBe(5);
  expect(buckets.find((s) => s.labels.le === "+Inf")?.value).toBe(5);
  expect(sampleValue(families, "loupe_database_bytes")).toBeGreaterThan(0);
  expect(sampleValue(families, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
  expect(sampleValue(families, "loupe_database_storage_full")).toBe(0);
});

test("requests are counted by route pattern and status, never by raw path: ids and query strings stay out", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN }, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const a = await seedTeam(t, "alpha");
  const before = await scrape(t);
  const route = "/api/v1/teams/:teamId/feedback/search";
  const okBefore = sampleValue(before, "loupe_http_requests_total", { method: "GET", route, status: "200" }) ?? 0;
  const secret = "ada.lovelace@example.test";
  for (let i = 0; i < 3; i++) {
    const res = await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/search?q=${encodeURIComponent(secret)}`);
    expect(res.status).toBe(200);
  }
  // An unknown path with personal data in it.
  expect((await t.app.request(`/users/${encodeURIComponent(secret)}/profile`)).status).toBe(404);
  const res = await t.app.request("/metrics", { headers: { Authorization: `Bearer ${TOKEN}` } });
  const text = await res.text();
  const after = parsePrometheusText(text);
  expect(sampleValue(after, "loupe_http_requests_total", { method: "GET", route, status: "200" })).toBe(okBefore + 3);
  expect(sampleValue(after, "loupe_http_requests_total", { method: "GET", route: "unmatched", status: "404" })).toBe(1);
  expect(text).not.toContain(a.team.id);
  expect(text).not.toContain("ada.lovelace");
  expect(text).not.toContain("profile");
  for (const s of (after.get("loupe_http_requests_total") as MetricFamily).samples) {
    expect(s.labels.route === "unmatched" || s.labels.route?.startsWith("/")).toBe(true);
  }
});

test("a method no route has there (TRACE, PUT on a GET route) is counted as a 405, under no route", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN });
  expect((await t.app.request("/api/v1/me", { method: "TRACE" })).status).toBe(405);
  expect((await t.app.request("/healthz", { method: "PUT" })).status).toBe(405);
  const families = await scrape(t);
  for (const method of ["TRACE", "PUT"])
    expect(sampleValue(families, "loupe_http_requests_total", { method, route: "unmatched", status: "405" })).toBe(1);
});

test("the metrics port may be neither the main port nor the redirect port", () => {
  expect(() => createTestApp({ LOUPE_PORT: "8443", LOUPE_METRICS_PORT: "8443" })).toThrow(/LOUPE_METRICS_PORT/);
  expect(() =>
    createTestApp({
      LOUPE_PUBLIC_URL: "https://fb.example.eu",
      LOUPE_HTTP_REDIRECT_PORT: "8080",
      LOUPE_METRICS_PORT: "8080",
    }),
  ).toThrow(/LOUPE_METRICS_PORT/);
});

test("widget submissions: 201s counted as submitted, refusals by their problem code, 429s by route", async () => {
  t = createTestApp(
    { LOUPE_METRICS_TOKEN: TOKEN, LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "3" },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 },
  );
  const a = await seedTeam(t, "alpha");
  const submit = (body: unknown, options: { origin?: string; key?: string } = {}) =>
    t!.app.request(
      `http://loupe.test/api/v1/widget/${options.key ?? a.project.widgetKey}/feedback`,
      {
        method: "POST",
        headers: { Origin: options.origin ?? ORIGIN, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      },
      { clientIp: "203.0.113.7" },
    );
  const before = await scrape(t);
  const widgetBefore = sampleValue(before, "loupe_feedback_submitted_total", { source: "widget" }) ?? 0;
  expect((await submit({ comment: "one", idempotencyId: newId() })).status).toBe(201);
  expect((await submit({ comment: "two", idempotencyId: newId() })).status).toBe(201);
  // Refused before the limiter: a foreign origin, an unknown key.
  expect((await submit({ comment: "x", idempotencyId: newId() }, { origin: "https://evil.example" })).status).toBe(403);
  expect((await submit({ comment: "x", idempotencyId: newId() }, { key: `lpk_${"z".repeat(24)}` })).status).toBe(404);
  // The third within the client's limit (3 per minute) is invalid; the fourth is over the limit.
  expect((await submit({ comment: 42, idempotencyId: newId() })).status).toBe(400);
  const limited = await submit({ comment: "four", idempotencyId: newId() });
  expect(limited.status).toBe(429);

  const after = await scrape(t);
  const route = "/api/v1/widget/:widgetKey/feedback";
  expect(sampleValue(after, "loupe_feedback_submitted_total", { source: "widget" })).toBe(widgetBefore + 2);
  const refused = (reason: string) => sampleValue(after, "loupe_widget_submissions_refused_total", { reason });
  expect(refused("origin_not_allowed")).toBe(1);
  expect(refused("validation_failed")).toBe(1);
  expect(refused("not_found")).toBe(1);
  expect(refused("too_many_attempts")).toBe(1);
  expect(sampleValue(after, "loupe_rate_limited_total", { route })).toBe(1);
  expect(sampleValue(after, "loupe_http_requests_total", { method: "POST", route, status: "429" })).toBe(1);
});

test("active sessions come from the store, cached a few seconds; backups and drills show once one ran", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN }, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const first = await scrape(t);
  expect(sampleValue(first, "loupe_active_sessions")).toBe(0);
  expect(sampleValue(first, "loupe_backup_last_success_timestamp_seconds")).toBeUndefined();
  const a = await seedTeam(t, "alpha");
  // Within the cache's lifetime the figure stays; past it the new sessions show.
  expect(sampleValue(await scrape(t), "loupe_active_sessions")).toBe(0);
  t.clock.advance(6_000);
  expect(sampleValue(await scrape(t), "loupe_active_sessions")).toBe(3);
  // One signs out: revoked sessions are not active.
  expect((await a.member.browser.post("/api/v1/auth/logout", {})).status).toBe(200);
  t.clock.advance(6_000);
  expect(sampleValue(await scrape(t), "loupe_active_sessions")).toBe(2);

  const backup = await t.backups.backupNow("test");
  expect(backup.drill?.ok).toBe(true);
  t.clock.advance(6_000);
  const families = await scrape(t);
  expect(sampleValue(families, "loupe_backup_last_success_timestamp_seconds")).toBeGreaterThan(0);
  expect(sampleValue(families, "loupe_backup_last_attempt_success")).toBe(1);
  expect(sampleValue(families, "loupe_backup_last_drill_success")).toBe(1);
  expect(sampleValue(families, "loupe_backup_directory_bytes")).toBeGreaterThanOrEqual(backup.bytes);
}, 30_000);

test("open live-update streams are counted while they are open", async () => {
  t = createTestApp({ LOUPE_METRICS_TOKEN: TOKEN }, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const a = await seedTeam(t, "alpha");
  expect(sampleValue(await scrape(t), "loupe_sse_streams")).toBe(0);
  const one = await openEvents(a.owner.browser);
  const two = await openEvents(a.member.browser);
  expect(sampleValue(await scrape(t), "loupe_sse_streams")).toBe(2);
  // The server ends the streams (as at shutdown): the gauge follows.
  t.live.close();
  await one.sse.rest();
  await two.sse.rest();
  expect(sampleValue(await scrape(t), "loupe_sse_streams")).toBe(0);
});

test("a failing collector is logged and the scrape still answers (the other series stay)", async () => {
  const metrics = createLoupeMetrics();
  metrics.registry.onCollect(() => {
    throw new AppError("INTERNAL");
  });
  metrics.requests.inc({ method: "GET", route: "/x", status: "200" });
  const errors: unknown[] = [];
  const app = metricsRoutes({ metrics, token: undefined, enabled: true, onCollectError: (e) => errors.push(e) });
  const res = await app.request("/metrics");
  expect(res.status).toBe(200);
  expect(
    sampleValue(parsePrometheusText(await res.text()), "loupe_http_requests_total", {
      method: "GET",
      route: "/x",
      status: "200",
    }),
  ).toBe(1);
  expect(errors.length).toBe(1);
});
