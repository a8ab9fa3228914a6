import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import { requireRecentAuth, type routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import {
  endOtherSessions,
  endSession,
  listSessions,
  logOutEverywhere,
  sessionHandle,
} from "../../../services/accounts/sessions.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { SessionSchema } from "../../../shared/accounts.ts";
import { IdSchema, OkSchema } from "../../../shared/common.ts";

const IdParam = v.strictObject({ id: IdSchema });

/** /api/v1/me/sessions: my signed-in browsers. */
export function meSessionRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("self"),
      describe("My signed-in sessions", ["me"], {
        200: { description: "Sessions", schema: v.object({ sessions: v.array(SessionSchema) }) },
      }),
      (c) => {
        const { user, session } = c.var.caller;
        return c.json({ sessions: listSessions(ctx, { userId: user.id, currentId: session.id }) });
      },
    )
    .delete(
      "/:id",
      action("self"),
      describe(
        "End one of my sessions (another one: re-authentication first)",
        ["me"],
        { 200: { description: "Ended", schema: OkSchema } },
        [401, 403, 404],
      ),
      validate("param", IdParam),
      (c) => {
        const { id } = c.req.valid("param");
        const { user, session } = c.var.caller;
        if (id !== sessionHandle(ctx, session.id)) requireRecentAuth(ctx, c);
        endSession(ctx, { userId: user.id, handle: id });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/revoke-others",
      action("self", { recent: true }),
      describe(
        "Sign out everywhere else: every session but this one ends (re-authentication first); API tokens stay",
        ["me"],
        { 200: { description: "The others ended", schema: v.object({ revoked: v.number() }) } },
      ),
      (c) => {
        const { user, session } = c.var.caller;
        return c.json({ revoked: endOtherSessions(ctx, { userId: user.id, currentSessionId: session.id }) });
      },
    )
    .post(
      "/revoke-all",
      action("self", { recent: true }),
      describe("Log out everywhere, this browser included (re-authentication first)", ["me"], {
        200: { description: "All ended", schema: v.object({ revoked: v.number() }) },
      }),
      (c) => c.json({ revoked: logOutEverywhere(ctx, c.var.caller.user.id) }),
    );
}
