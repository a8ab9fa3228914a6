import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import type { CookieNames } from "../../../http/cookies.ts";
import { describe } from "../../../http/respond.ts";
import { amrOf, renewSession } from "../../../http/session-cookie.ts";
import { validate } from "../../../http/validation.ts";
import { changePassword } from "../../../services/accounts/password.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { PasswordChangeInput } from "../../../shared/accounts.ts";
import { OkSchema } from "../../../shared/common.ts";

/** /api/v1/me/password: change my password; my other sessions end. */
export function mePasswordRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>().post(
    "/",
    action("self", { recent: true }),
    describe("Change my password (re-authentication first); my other sessions end", ["me"], {
      200: { description: "Changed", schema: OkSchema },
    }),
    validate("json", PasswordChangeInput),
    async (c) => {
      const { user, session } = c.var.caller;
      await changePassword(ctx, { user, newPassword: c.req.valid("json").newPassword, currentSessionId: session.id });
      await renewSession(c, ctx, cookies, user.id, session.method, amrOf(session));
      return c.json({ ok: true as const });
    },
  );
}
