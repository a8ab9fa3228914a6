// Invariant: every error is application/problem+json with a request id; an unknown error is a
// generic 500 whose cause is logged (scrubbed) and never sent; invalid input names each field
// without echoing the value.
import { afterEach, expect, test } from "bun:test";
import * as v from "valibot";
import { validate } from "../../src/http/validation.ts";
import { AppError } from "../../src/lib/app-error.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

const PROBLEM_KEYS = ["code", "detail", "requestId", "status", "title", "type"];

test("an unknown error becomes a generic 500: no cause, stack or SQL in the body; cause logged by request id", async () => {
  ctx = createTestApp();
  ctx.app.get("/test/boom", () => {
    throw new Error("secret detail SELECT * FROM users WHERE email = 'victim@example.test'");
  });
  const res = await ctx.app.request("/test/boom");
  expect(res.status).toBe(500);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  const text = await res.text();
  const body = JSON.parse(text);
  expect(Object.keys(body).sort()).toEqual(PROBLEM_KEYS);
  expect(body.code).toBe("INTERNAL");
  expect(body.requestId).toBe(res.headers.get("X-Request-Id"));
  for (const leak of ["secret detail", "SELECT", "victim", "at <anonymous>", ".ts:"]) expect(text).not.toContain(leak);
  const logged = ctx.logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request.failed");
  expect(logged.requestId).toBe(body.requestId);
  expect(logged.errorName).toBe("Error");
  expect(logged.errorMessage).toContain("secret detail");
  expect(logged.errorMessage).not.toContain("victim@example.test");
});

test("an AppError keeps its status, code and headers", async () => {
  ctx = createTestApp();
  ctx.app.get("/test/conflict", () => {
    throw new AppError("LABEL_EXISTS", "That is taken.", { headers: { "Retry-After": "3" } });
  });
  const res = await ctx.app.request("/test/conflict");
  expect(res.status).toBe(409);
  expect(res.headers.get("Retry-After")).toBe("3");
  const body = await res.json();
  expect(body).toMatchObject({ status: 409, code: "LABEL_EXISTS", detail: "That is taken.", title: "Conflict" });
});

test("invalid input: 400 naming every invalid field and what it expects, never the value", async () => {
  ctx = createTestApp();
  const Input = v.strictObject({
    title: v.pipe(v.string(), v.maxLength(10)),
    rating: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5)),
    nested: v.strictObject({ url: v.pipe(v.string(), v.url()) }),
  });
  ctx.app.post("/test/validated", validate("json", Input), (c) => c.json(c.req.valid("json")));
  const res = await ctx.app.request("/test/validated", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "ECHO-CANARY-way-too-long",
      rating: 9,
      nested: { url: "ECHO-CANARY-not-a-url" },
      extra: "ECHO-CANARY",
    }),
  });
  expect(res.status).toBe(400);
  const text = await res.text();
  expect(text).not.toContain("ECHO-CANARY");
  const body = JSON.parse(text);
  expect(body.code).toBe("VALIDATION_FAILED");
  const fields = body.errors.map((e: { field: string }) => e.field).sort();
  expect(fields).toEqual(["extra", "nested.url", "rating", "title"]);
  for (const e of body.errors) expect(e.message.length).toBeGreaterThan(3);

  const ok = await ctx.app.request("/test/validated", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ title: "short", rating: 4, nested: { url: "https://example.test/" } }),
  });
  expect(ok.status).toBe(200);
});

test("malformed JSON is a 400 problem, not a 500", async () => {
  ctx = createTestApp();
  ctx.app.post("/test/validated", validate("json", v.object({ a: v.string() })), (c) => c.json({ ok: true }));
  const res = await ctx.app.request("/test/validated", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{not json",
  });
  expect(res.status).toBe(400);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
});

test("baseline headers on 200, 404 and 500 alike; no X-Powered-By", async () => {
  ctx = createTestApp();
  ctx.app.get("/test/boom", () => {
    throw new Error("x");
  });
  for (const [path, status] of [
    ["/healthz", 200],
    ["/no/such/page", 404],
    ["/api/v1/nothing", 404],
    ["/test/boom", 500],
  ] as const) {
    const res = await ctx.app.request(path);
    expect(res.status).toBe(status);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Powered-By")).toBeNull();
    expect(res.headers.get("X-Request-Id")).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(res.headers.get("Content-Type")).toContain("charset=utf-8");
  }
});

test("API bodies over 64 KB are refused with 413 before parsing (feedback submission has its own limit)", async () => {
  ctx = createTestApp();
  const res = await ctx.app.request(`${ctx.config.publicOrigin}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: ctx.config.publicOrigin, "X-Requested-With": "t" },
    body: JSON.stringify({ email: "a@example.test", password: "x".repeat(70_000) }),
  });
  expect(res.status).toBe(413);
  expect((await res.json()).code).toBe("PAYLOAD_TOO_LARGE");
});

test("a framework error with a 5xx status stays a server failure: 500 INTERNAL, logged; a 4xx one keeps its class", async () => {
  ctx = createTestApp();
  const { HTTPException } = await import("hono/http-exception");
  ctx.app.get("/test/framework-500", () => {
    throw new HTTPException(502, { message: "upstream said no" });
  });
  ctx.app.get("/test/framework-408", () => {
    throw new HTTPException(408);
  });
  const server = await ctx.app.request("/test/framework-500");
  expect(server.status).toBe(500);
  expect((await server.json()).code).toBe("INTERNAL");
  expect(ctx.logs.lines.some((l) => l.includes('"request.failed"'))).toBe(true);
  const client = await ctx.app.request("/test/framework-408");
  expect(client.status).toBe(400);
  expect((await client.json()).code).toBe("BAD_REQUEST");
});
