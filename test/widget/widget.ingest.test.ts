// Invariant (T-W2, T-W5, T-F1/F2): the widget's public ingest takes submissions only from a
// project's allowed origins (the Origin header required, no Access-Control-Allow-Origin otherwise),
// never reads or sets a cookie, never makes a second item for a repeated idempotency id, stops at
// once for a rotated key, is rate-limited per client and per project, and refuses bad uploads.
import { afterEach, expect, test } from "bun:test";
import { feedbackForm, png, pngOfSize } from "../support/images.ts";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const ORIGIN = "https://alpha.example.test";
const newId = () => crypto.randomUUID().replaceAll("-", "");

async function world(env: Record<string, string> = {}) {
  t = createTestApp(env, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const a = await seedTeam(t, "alpha");
  const app = t.app;
  const submit = (
    body: unknown,
    options: { origin?: string | null; key?: string; ip?: string; headers?: Record<string, string> } = {},
  ) => {
    const form = body instanceof FormData;
    return app.request(
      `http://loupe.test/api/v1/widget/${options.key ?? a.project.widgetKey}/feedback`,
      {
        method: "POST",
        headers: {
          ...(options.origin === null ? {} : { Origin: options.origin ?? ORIGIN }),
          ...(form ? {} : { "Content-Type": "application/json" }),
          ...options.headers,
        },
        body: form ? body : JSON.stringify(body),
      },
      { clientIp: options.ip ?? "203.0.113.7" },
    );
  };
  const items = () =>
    t!.store.db.all<{ id: string }>("SELECT id FROM feedback_items WHERE project_id = ?", a.project.id);
  return { a, submit, items };
}

test("an allowed origin submits: 201 with its own origin echoed, no cookie, an anonymous item the team sees", async () => {
  const { a, submit } = await world();
  const reporterId = newId();
  const res = await submit(
    { comment: "The button is broken", idempotencyId: newId(), reporterId },
    {
      headers: { Cookie: `loupe_session=${a.owner.browser.cookieHeader().split("=").slice(1).join("=")}` },
    },
  );
  expect(res.status).toBe(201);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  expect(res.headers.get("Vary")).toContain("Origin");
  expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  expect(res.headers.get("Set-Cookie")).toBeNull();
  const { id } = await res.json();
  const item = await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${id}`)).json();
  // The owner's session cookie came along; the ingest ignored it: the reporter is the anonymous id.
  // No IP address either: the project does not store them (the default).
  expect(item.reporter).toEqual({ userId: null, anonymousId: reporterId, email: null, ip: null });
  expect(item.comment).toBe("The button is broken");
});

test("no Origin, a foreign origin or the opaque `null` origin: 403 with no Access-Control-Allow-Origin, nothing stored", async () => {
  const { submit, items } = await world();
  const before = items().length;
  for (const origin of [
    null,
    "https://evil.example",
    "null",
    "https://alpha.example.test.evil.example",
    "http://alpha.example.test",
  ]) {
    const res = await submit({ comment: "x", idempotencyId: newId() }, { origin });
    expect(`${origin} ${res.status} ${(await res.json()).code}`).toBe(`${origin} 403 ORIGIN_NOT_ALLOWED`);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  }
  expect(items()).toHaveLength(before);
});

test("preflight: answered for an allowed origin only", async () => {
  const { a } = await world();
  const preflight = (origin: string) =>
    t!.app.request(`http://loupe.test/api/v1/widget/${a.project.widgetKey}/feedback`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });
  const ok = await preflight(ORIGIN);
  expect(ok.status).toBe(204);
  expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  expect(ok.headers.get("Access-Control-Allow-Methods")).toBe("POST");
  expect(ok.headers.get("Access-Control-Allow-Headers")).toBe("Content-Type");
  const refused = await preflight("https://evil.example");
  expect(refused.status).toBe(403);
  expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
});

test("a repeated idempotency id returns the first item and writes nothing (T-W5)", async () => {
  const { submit, items } = await world();
  const before = items().length;
  const idempotencyId = newId();
  const first = await (await submit({ comment: "once", idempotencyId })).json();
  const again = await submit({ comment: "once", idempotencyId });
  expect(again.status).toBe(201);
  expect((await again.json()).id).toBe(first.id);
  const other = await (await submit({ comment: "twice", idempotencyId: newId() })).json();
  expect(other.id).not.toBe(first.id);
  expect(items()).toHaveLength(before + 2);
});

test("a rotated widget key stops at once: 404", async () => {
  const { a, submit } = await world();
  const oldKey = a.project.widgetKey;
  const rotated = await (
    await a.owner.browser.post(`/api/v1/teams/${a.team.id}/projects/${a.project.id}/widget-key`, {})
  ).json();
  expect((await submit({ comment: "old key", idempotencyId: newId() }, { key: oldKey })).status).toBe(404);
  expect((await submit({ comment: "new key", idempotencyId: newId() }, { key: rotated.widgetKey })).status).toBe(201);
});

test("rate limits: per client and project, then per project from everyone; 429 with Retry-After, readable by the widget", async () => {
  const { submit } = await world({
    LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "3",
    LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: "5",
  });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await submit({ comment: `c${i}`, idempotencyId: newId() })).status);
  expect(statuses).toEqual([201, 201, 201, 429]);
  const limited = await submit({ comment: "again", idempotencyId: newId() });
  expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  expect(limited.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  // Another client still gets through, until the project's own cap (5 a minute) is reached.
  expect((await submit({ comment: "b1", idempotencyId: newId() }, { ip: "198.51.100.9" })).status).toBe(201);
  expect((await submit({ comment: "b2", idempotencyId: newId() }, { ip: "198.51.100.9" })).status).toBe(201);
  expect((await submit({ comment: "c1", idempotencyId: newId() }, { ip: "192.0.2.44" })).status).toBe(429);
  t!.clock.advance(60_000);
  expect((await submit({ comment: "later", idempotencyId: newId() })).status).toBe(201);
});

test("bad uploads: SVG posing as PNG 415, a pixel bomb 413, an oversize body 413 — nothing stored", async () => {
  const { submit, items } = await world({ LOUPE_SCREENSHOT_MAX_BYTES: "20000" });
  const before = items().length;
  const payload = () => ({ comment: "with a screenshot", idempotencyId: newId() });
  const svg = new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`);
  const disguised = await submit(feedbackForm(payload(), { bytes: svg, type: "image/png", name: "shot.png" }));
  expect([disguised.status, (await disguised.json()).code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  const bomb = await submit(feedbackForm(payload(), { bytes: png(60_000, 60_000) }));
  expect([bomb.status, (await bomb.json()).code]).toEqual([413, "IMAGE_TOO_LARGE"]);
  const huge = await submit(feedbackForm(payload(), { bytes: new Uint8Array(400_000) }));
  expect(huge.status).toBe(413);
  expect(huge.headers.get("Content-Type")).toContain("application/problem+json");
  expect(items()).toHaveLength(before);
  const fine = await submit(feedbackForm(payload(), { bytes: png(40, 30) }));
  expect(fine.status).toBe(201);
});

test("only owners change which sites may submit; members still rename the project", async () => {
  const { a } = await world();
  const P = `/api/v1/teams/${a.team.id}/projects/${a.project.id}`;
  const byMember = await a.member.browser.patch(P, { settings: { allowedOrigins: ["https://evil.example"] } });
  expect([byMember.status, (await byMember.json()).code]).toEqual([403, "FORBIDDEN"]);
  expect((await a.member.browser.patch(P, { name: "renamed", settings: { allowedOrigins: [ORIGIN] } })).status).toBe(
    200,
  );
  const byOwner = await a.owner.browser.patch(P, { settings: { allowedOrigins: ["https://*.example.test"] } });
  expect(byOwner.status).toBe(200);
  expect((await byOwner.json()).settings.allowedOrigins).toEqual(["https://*.example.test"]);
});

test("idempotency ids are forgotten after 7 days by the daily retention", async () => {
  const { submit } = await world();
  const { runDailyRetention } = await import("../../src/services/retention.ts");
  expect((await submit({ comment: "kept a week", idempotencyId: newId() })).status).toBe(201);
  const count = () => t!.store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_idempotency")!.n;
  expect(count()).toBe(1);
  t!.clock.advance(6 * 86_400_000);
  runDailyRetention(t!.ctx);
  expect(count()).toBe(1);
  t!.clock.advance(2 * 86_400_000);
  runDailyRetention(t!.ctx);
  expect(count()).toBe(0);
});

test("the public config: defaults filled, no allowed origins or IP setting, category labels by name, ETag and 304", async () => {
  const { a } = await world();
  const { PublicWidgetConfigSchema } = await import("../../src/shared/widget-settings.ts");
  const v = await import("valibot");
  await a.owner.browser.patch(`/api/v1/teams/${a.team.id}/projects/${a.project.id}`, {
    settings: { fields: { category: { enabled: true, labelIds: [a.label.id] } }, privacy: { selectors: [".iban"] } },
  });
  const get = (headers: Record<string, string>) =>
    t!.app.request(`http://loupe.test/api/v1/widget/${a.project.widgetKey}/config`, { headers });
  const res = await get({ Origin: ORIGIN });
  expect(res.status).toBe(200);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ORIGIN);
  expect(res.headers.get("Cache-Control")).toBe("public, max-age=60");
  const config = await res.json();
  expect(v.parse(PublicWidgetConfigSchema, config)).toEqual(config);
  expect(config.allowedOrigins).toBeUndefined();
  expect(config.storeIp).toBeUndefined();
  expect(config.privacy.selectors).toEqual([".iban"]);
  expect(config.fields.category.options).toEqual([{ id: a.label.id, name: "bug" }]);
  expect(JSON.stringify(config)).not.toContain(a.team.id);
  const etag = res.headers.get("ETag")!;
  expect((await get({ Origin: ORIGIN, "If-None-Match": etag })).status).toBe(304);
  expect((await get({ Origin: "https://evil.example" })).status).toBe(403);
  expect((await get({})).status).toBe(403);
});

test("settings: privacy-affecting ones are the owners' (audited as such); the page URL's query is dropped unless kept", async () => {
  const { a, submit } = await world();
  const P = `/api/v1/teams/${a.team.id}/projects/${a.project.id}`;
  for (const settings of [
    { consoleCapture: true },
    { storeIp: true },
    { urlQuery: "keep" },
    { privacy: { maskEmails: true } },
  ]) {
    const res = await a.member.browser.patch(P, { settings });
    expect(`${JSON.stringify(settings)} ${res.status}`).toBe(`${JSON.stringify(settings)} 403`);
  }
  expect((await a.member.browser.patch(P, { settings: { appearance: { color: "#112233" } } })).status).toBe(200);
  const pageUrl = "https://alpha.example.test/account?token=secret#frag";
  const dropped = await (await submit({ comment: "q", idempotencyId: newId(), pageUrl })).json();
  const item = await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${dropped.id}`)).json();
  expect(item.pageUrl).toBe("https://alpha.example.test/account");
  expect((await a.owner.browser.patch(P, { settings: { urlQuery: "keep" } })).status).toBe(200);
  const kept = await (await submit({ comment: "q", idempotencyId: newId(), pageUrl })).json();
  expect((await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${kept.id}`)).json()).pageUrl).toBe(
    pageUrl,
  );
  const trail = await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/audit`)).json();
  expect(trail.entries.filter((e: { action: string }) => e.action === "project.privacy_changed")).toHaveLength(1);
});

test("a reused idempotency id with another submission is refused (409), not silently answered with the first item", async () => {
  const { submit, items } = await world();
  const idempotencyId = newId();
  expect((await submit({ comment: "first text", idempotencyId })).status).toBe(201);
  const before = items().length;
  const other = await submit({ comment: "different text", idempotencyId });
  expect([other.status, (await other.json()).code]).toEqual([409, "IDEMPOTENCY_CONFLICT"]);
  expect(items()).toHaveLength(before);
});

test("hostile JSON nesting is a 400 naming the field, not a 500", async () => {
  const { a, submit } = await world();
  const deep = `${'{"a":'.repeat(60_000)}1${"}".repeat(60_000)}`;
  const res = await t!.app.request(
    `http://loupe.test/api/v1/widget/${a.project.widgetKey}/feedback`,
    {
      method: "POST",
      headers: { Origin: ORIGIN, "Content-Type": "application/json" },
      body: `{"comment":"deep","idempotencyId":"${newId()}","metadata":${deep}}`,
    },
    { clientIp: "203.0.113.50" },
  );
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.errors.map((e: { field: string }) => e.field)).toContain("metadata");
  expect((await submit({ comment: "still fine", idempotencyId: newId() })).status).toBe(201);
});

test("a team's screenshot storage quota: past it, 413 STORAGE_QUOTA_EXCEEDED and nothing stored (T-F5)", async () => {
  const { submit, items } = await world({ LOUPE_TEAM_STORAGE_MAX_MB: "1" });
  const form = (bytes: Uint8Array) => feedbackForm({ comment: "shot", idempotencyId: newId() }, { bytes });
  // Fill the team with screenshots just under 1 MiB in all, then one more goes over.
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await submit(form(pngOfSize(300_000)), { ip: `198.51.100.${i}` })).status);
  expect(statuses).toEqual([201, 201, 201, 413]);
  const before = items().length;
  const refused = await submit(form(pngOfSize(300_000)), { ip: "198.51.100.77" });
  expect([refused.status, (await refused.json()).code]).toEqual([413, "STORAGE_QUOTA_EXCEEDED"]);
  expect(items()).toHaveLength(before);
});

test("a wildcard over a public suffix cannot be saved; settings saved under older rules still load", async () => {
  const { a, submit } = await world();
  const P = `/api/v1/teams/${a.team.id}/projects/${a.project.id}`;
  for (const origin of ["https://*.co.uk", "https://*.github.io"]) {
    const res = await a.owner.browser.patch(P, { settings: { allowedOrigins: [origin] } });
    const body = await res.json();
    expect(`${origin} ${res.status} ${body.errors?.[0]?.field}`).toBe(`${origin} 400 settings.allowedOrigins.0`);
  }
  // A row written before these rules: an uppercase origin, one with an impossible port, an old field.
  t!.store.db.write(() =>
    t!.store.db.run(
      "UPDATE projects SET settings = ? WHERE id = ?",
      JSON.stringify({ allowedOrigins: ["HTTPS://ALPHA.EXAMPLE.TEST", "https://x.example:99999"], legacy: true }),
      a.project.id,
    ),
  );
  const project = await (await a.owner.browser.get(P)).json();
  expect(project.settings.allowedOrigins).toEqual([ORIGIN]);
  const res = await submit({ comment: "after the upgrade", idempotencyId: newId() });
  expect(res.status).toBe(201);
  expect(res.headers.get("Access-Control-Expose-Headers")).toBe(
    "Retry-After, RateLimit, RateLimit-Policy, X-Request-Id",
  );
  expect((await submit({ comment: "x", idempotencyId: newId() }, { origin: "https://evil.example" })).status).toBe(403);
});

test("a project that stores visitors' IP addresses gets the resolved client address; by default none is stored", async () => {
  const { a, submit } = await world();
  const P = `/api/v1/teams/${a.team.id}/projects/${a.project.id}`;
  const item = async (id: string) =>
    (await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${id}`)).json()).reporter.ip;
  const off = await (await submit({ comment: "no ip", idempotencyId: newId() }, { ip: "203.0.113.61" })).json();
  expect(await item(off.id)).toBeNull();
  expect((await a.owner.browser.patch(P, { settings: { storeIp: true } })).status).toBe(200);
  const on = await (await submit({ comment: "with ip", idempotencyId: newId() }, { ip: "203.0.113.62" })).json();
  expect(await item(on.id)).toBe("203.0.113.62");
  const row = t!.store.db.get<{ reporter_ip: string | null }>(
    "SELECT reporter_ip FROM feedback_items WHERE id = ?",
    off.id,
  );
  expect(row?.reporter_ip).toBeNull();
  // A retry from another network (a new address) is the same submission: the first item's id, no 409.
  const id = newId();
  const first = await (await submit({ comment: "moving", idempotencyId: id }, { ip: "203.0.113.70" })).json();
  const retry = await submit({ comment: "moving", idempotencyId: id }, { ip: "198.51.100.9" });
  expect(retry.status).toBe(201);
  expect((await retry.json()).id).toBe(first.id);
});

test("browser and OS come from the request's User-Agent, only with the device details the visitor kept", async () => {
  const { a, submit } = await world();
  const UA =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
  const metadataOf = async (res: Response) => {
    const { id } = await res.json();
    return (await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${id}`)).json()).metadata;
  };
  const kept = await submit(
    {
      comment: "device kept",
      idempotencyId: newId(),
      metadata: { viewport: { width: 1280, height: 800 }, browser: "Forged 1" },
    },
    { headers: { "User-Agent": UA } },
  );
  expect(await metadataOf(kept)).toEqual({
    viewport: { width: 1280, height: 800 },
    browser: "Chrome 140",
    os: "Windows",
  });
  const removed = await submit(
    { comment: "device removed", idempotencyId: newId(), metadata: { browser: "Forged 1" } },
    { headers: { "User-Agent": UA } },
  );
  expect(await metadataOf(removed)).toEqual({});
});
