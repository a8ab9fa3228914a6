// Invariant: a full disk (SQLITE_FULL) answers 507 with Retry-After, saves nothing half-way, keeps
// the process up, shows as degraded in /readyz, and recovers without a restart once space is back.
import { afterEach, expect, test } from "bun:test";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

test("SQLITE_FULL → 507 + Retry-After, nothing half-written, recovery without restart", async () => {
  ctx = createTestApp();
  const { db } = ctx.store;
  db.write(() => db.exec("CREATE TABLE test_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL, label TEXT NOT NULL)"));
  ctx.app.post("/test/blobs/:label", (c) => {
    const label = c.req.param("label");
    // Two rows in one transaction: either both are saved or neither.
    db.write(() => {
      db.run("INSERT INTO test_blobs (data, label) VALUES (randomblob(200000), ?)", label);
      db.run("INSERT INTO test_blobs (data, label) VALUES (randomblob(200000), ?)", label);
    });
    return c.json({ ok: true }, 201);
  });
  expect((await ctx.app.request("/test/blobs/first", { method: "POST" })).status).toBe(201);

  // A real SQLITE_FULL from SQLite: cap the database at its current size.
  const pages = Number(db.pragma("page_count"));
  db.pragma(`max_page_count = ${pages + 10}`);
  const full = await ctx.app.request("/test/blobs/second", { method: "POST" });
  expect(full.status).toBe(507);
  expect(full.headers.get("Retry-After")).toBe("60");
  expect((await full.json()).code).toBe("STORAGE_FULL");
  expect(db.get<{ n: number }>("SELECT count(*) AS n FROM test_blobs WHERE label = 'second'")?.n).toBe(0);
  expect(db.pragma("integrity_check")).toBe("ok");

  const degraded = await ctx.app.request("/readyz");
  expect(degraded.status).toBe(200);
  expect(await degraded.json()).toMatchObject({ status: "degraded", checks: { storage: "full" } });

  // Space comes back: the very next write succeeds, no restart.
  db.pragma("max_page_count = 1073741823");
  expect((await ctx.app.request("/test/blobs/third", { method: "POST" })).status).toBe(201);
  expect(db.get<{ n: number }>("SELECT count(*) AS n FROM test_blobs")?.n).toBe(4);
  expect(await (await ctx.app.request("/readyz")).json()).toMatchObject({ status: "ready", checks: { storage: "ok" } });
});

test("a file write that finds the disk full (ENOSPC, EDQUOT) answers the same 507 STORAGE_FULL, never 500", async () => {
  ctx = createTestApp();
  ctx.app.post("/test/file-write/:code", (c) => {
    const code = c.req.param("code");
    throw Object.assign(new Error(`${code}: no space left on device, write`), { code, errno: -28 });
  });
  for (const code of ["ENOSPC", "EDQUOT"]) {
    const res = await ctx.app.request(`/test/file-write/${code}`, { method: "POST" });
    expect(res.status).toBe(507);
    expect(res.headers.get("Retry-After")).toBe("60");
    const body = await res.json();
    expect(body.code).toBe("STORAGE_FULL");
    expect(JSON.stringify(body)).not.toContain("no space left");
  }
});
