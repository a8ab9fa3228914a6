// Invariant: when the public URL is https, every response carries Strict-Transport-Security for at
// least a year — errors (401, 403, 404, 413, 500) included; with a plain-http public URL none does.
import { afterEach, expect, test } from "bun:test";
import { HSTS_HEADER_VALUE } from "../../src/http/hsts.ts";
import { httpsRedirectApp } from "../../src/http/https-redirect.ts";
import { systemClock } from "../../src/lib/clock.ts";
import { createLogger } from "../../src/lib/logger.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

const requests: [string, RequestInit?][] = [
  ["/healthz"],
  ["/no-such-page"],
  ["/api/v1/me"],
  ["/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" }],
  ["/api/v1/auth/login", { method: "PATCH" }],
  ["/test/boom"],
  [
    "/api/v1/auth/login",
    {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: "https://fb.example.eu", "X-Requested-With": "t" },
      body: JSON.stringify({ pad: "x".repeat(70_000) }),
    },
  ],
];

test("https public URL: HSTS (max-age one year) on success and on 401, 403, 404/405, 413 and 500 alike", async () => {
  ctx = createTestApp({ LOUPE_PUBLIC_URL: "https://fb.example.eu" });
  ctx.app.get("/test/boom", () => {
    throw new Error("boom");
  });
  const statuses = new Set<number>();
  for (const [path, init] of requests) {
    const res = await ctx.app.request(path, init);
    statuses.add(res.status);
    expect({ path, status: res.status, hsts: res.headers.get("Strict-Transport-Security") }).toEqual({
      path,
      status: res.status,
      hsts: HSTS_HEADER_VALUE,
    });
  }
  expect([...statuses]).toEqual(expect.arrayContaining([200, 401, 403, 404, 413, 500]));
  expect(HSTS_HEADER_VALUE).toMatch(/^max-age=(3153[6-9]\d{3}|3[2-9]\d{6}|[4-9]\d{7}|\d{9,})$/);
});

test("plain-http public URL (development): no HSTS", async () => {
  ctx = createTestApp({ LOUPE_PUBLIC_URL: "http://localhost:8080" });
  for (const [path, init] of requests.slice(0, 3)) {
    const res = await ctx.app.request(path, init);
    expect(res.headers.get("Strict-Transport-Security")).toBeNull();
  }
});

test("the redirect app: 308 to the configured origin outside /api (TRACE, CONNECT: 405), 400 problem for the API", async () => {
  const app = httpsRedirectApp("https://fb.example.eu", createLogger({ level: "error", sink: () => {} }), systemClock);
  const nav = await app.request("http://evil.example/sign-in?next=%2Fteams", { redirect: "manual" });
  expect(nav.status).toBe(308);
  expect(nav.headers.get("Location")).toBe("https://fb.example.eu/sign-in?next=%2Fteams");
  const doubleSlash = await app.request("http://evil.example//evil.example/x");
  expect(doubleSlash.headers.get("Location")).toBe("https://fb.example.eu//evil.example/x");
  expect(new URL(doubleSlash.headers.get("Location") as string).origin).toBe("https://fb.example.eu");
  // (TRACK never reaches an app: Bun's server refuses methods it does not know.)
  for (const method of ["TRACE", "CONNECT"]) {
    const res = await app.request("http://fb.example.eu/sign-in", { method });
    expect({ method, status: res.status, allow: res.headers.get("Allow") }).toEqual({
      method,
      status: 405,
      allow: "GET, HEAD",
    });
  }
  for (const path of ["/api", "/api/", "/api/v1/widget/k/feedback"]) {
    const res = await app.request(`http://fb.example.eu${path}`, { method: "POST", body: "{}" });
    expect({ path, status: res.status }).toEqual({ path, status: 400 });
    expect(((await res.json()) as { code: string }).code).toBe("HTTPS_REQUIRED");
  }
});
