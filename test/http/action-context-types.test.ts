// Invariant: a handler's context has `c.var.caller` and `c.var.team` exactly where its action set them.
// The type half is checked by `tsc` (npm test type-checks this file: an unused @ts-expect-error fails).
import { afterAll, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AppEnv } from "../../src/http/app-env.ts";
import { routeActions } from "../../src/http/authorize.ts";
import { errorHandler } from "../../src/http/problem.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());
const action = routeActions(t.ctx);

const app = new Hono<AppEnv>()
  .get("/public", action("public"), (c) => {
    // @ts-expect-error a public route has no caller
    void c.var.caller;
    // @ts-expect-error nor a team
    void c.var.team;
    return c.text("public");
  })
  .get("/self", action("self"), (c) => {
    // A browser session, always: no narrowing needed to reach it.
    const sessionId: string = c.var.caller.session.id;
    // @ts-expect-error a self route has no team
    void c.var.team;
    return c.text(sessionId ? "self" : "");
  })
  .get("/self-or-token", action("self", { tokens: true }), (c) => {
    // @ts-expect-error the caller may be an API token, which has no session
    void c.var.caller.session;
    return c.text(c.var.caller.kind);
  })
  .get("/teams/:teamId", action("team.read"), (c) => c.text(c.var.team.team.id));
app.onError(errorHandler(t.logs.logger));

test("the actions the types promise are the ones enforced: anonymous callers get 401 past `public`", async () => {
  expect((await app.request("/public")).status).toBe(200);
  expect((await app.request("/self")).status).toBe(401);
  expect((await app.request("/self-or-token")).status).toBe(401);
  expect((await app.request("/teams/AAAAAAAAAAAAAAAAAAAAAA")).status).toBe(401);
});
