// Invariant: a validation error names only fields the schema declares (and client keys only when they
// are short plain identifiers); a key the client made up never comes back as markup or at length.
import { afterEach, expect, test } from "bun:test";
import * as v from "valibot";
import { validate } from "../../src/http/validation.ts";
import { ERROR_CODES } from "../../src/shared/errors.ts";
import { FeedbackCreateInput } from "../../src/shared/feedback.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

const HOSTILE = `<script>alert(1)</script>${"x".repeat(75)}`;

test("unknown keys and record keys with markup are reported without echoing them", async () => {
  ctx = createTestApp();
  ctx.app.post("/test/feedback", validate("json", FeedbackCreateInput), (c) => c.json({ ok: true }));
  const res = await ctx.app.request("/test/feedback", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      projectId: "p".repeat(20),
      comment: "hello",
      [HOSTILE]: 1,
      metadata: { [`${HOSTILE}${"y".repeat(30)}`]: "over the key limit", fine_key: 1 },
      annotations: [{ type: "rect", from: { x: 1, y: 1 }, to: { x: 2, y: 2 }, color: "#ff0000", [HOSTILE]: true }],
    }),
  });
  expect(res.status).toBe(400);
  const text = await res.text();
  expect(text).not.toContain("<script");
  expect(text).not.toContain("xxxxx");
  const body = JSON.parse(text);
  expect(body.code).toBe("VALIDATION_FAILED");
  const fields: string[] = body.errors.map((e: { field: string }) => e.field).sort();
  // The body's own unknown key is reported at the body, the metadata key at `metadata`, the annotation's at its index.
  expect(fields).toEqual(["annotations.0", "json", "metadata"]);
  for (const field of fields) expect(field).toMatch(/^[A-Za-z0-9_.]{1,64}$/);
});

test("a plain unknown identifier is still named, so a client can see which field to drop", async () => {
  ctx = createTestApp();
  ctx.app.post("/test/strict", validate("json", v.strictObject({ name: v.string() })), (c) => c.json({ ok: true }));
  const res = await ctx.app.request("/test/strict", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "a", teamId: "b" }),
  });
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.errors).toEqual([{ field: "teamId", message: "Unknown field." }]);
});

test("a missing required field is named as required, not as unknown", async () => {
  ctx = createTestApp();
  const schema = v.strictObject({ name: v.string(), note: v.optional(v.string()) });
  ctx.app.post("/test/required", validate("json", schema), (c) => c.json({ ok: true }));
  const res = await ctx.app.request("/test/required", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ note: "a", extra: 1 }),
  });
  expect(res.status).toBe(400);
  const body = await res.json();
  expect(body.errors).toEqual([
    { field: "name", message: "Required." },
    { field: "extra", message: "Unknown field." },
  ]);
});

test("every error code has one HTTP error status and a default message", () => {
  for (const [code, entry] of Object.entries(ERROR_CODES)) {
    expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThan(600);
    expect(entry.message.length).toBeGreaterThan(5);
  }
});
