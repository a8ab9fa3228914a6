// Invariant: /healthz says the process is alive; /readyz is 200 only with the database open and
// every migration applied, else 503 problem+json saying why.
import { afterEach, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

test("healthz 200 and readyz 200 on a migrated database", async () => {
  ctx = createTestApp();
  const health = await ctx.app.request("/healthz");
  expect(health.status).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const ready = await ctx.app.request("/readyz");
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({
    status: "ready",
    checks: { database: "ok", migrations: "ok", storage: "ok", erasureLog: "ok" },
  });
});

test("readyz 503 with the reason when a migration is pending, and when the database is closed", async () => {
  ctx = createTestApp();
  const app = createApp({
    config: ctx.config,
    logger: ctx.logs.logger,
    clock: ctx.clock,
    db: ctx.store.db,
    keyring: ctx.store.keyring,
    passwords: ctx.ctx.passwords,
    mailer: undefined,
    migrations: [
      { name: "9999_not_yet.sql", sql: "SELECT 1;" },
      ...(await import("../../src/store/migration-files.ts")).bundledMigrations(),
    ],
    version: "test",
  });
  const res = await app.request("/readyz");
  expect(res.status).toBe(503);
  expect(res.headers.get("Content-Type")).toContain("application/problem+json");
  expect((await res.json()).detail).toContain("migrations_pending");

  ctx.store.close();
  const closed = await ctx.app.request("/readyz");
  expect(closed.status).toBe(503);
  expect((await closed.json()).detail).toContain("database_closed");
  // Liveness does not depend on the database.
  expect((await ctx.app.request("/healthz")).status).toBe(200);
});
