import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import { requireRecentAuth, type routeActions } from "../../../http/authorize.ts";
import type { CookieNames } from "../../../http/cookies.ts";
import { describe } from "../../../http/respond.ts";
import { amrOf, renewSession } from "../../../http/session-cookie.ts";
import { validate } from "../../../http/validation.ts";
import { assertCurrentPassword } from "../../../services/accounts/login.ts";
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
    action("self"),
    describe(
      "Change my password: with the current one, or after a sign-in within 5 minutes; my other sessions end",
      ["me"],
      { 200: { description: "Changed", schema: OkSchema } },
      [400, 401, 403, 429],
    ),
    validate("json", PasswordChangeInput),
    async (c) => {
      const { user, session } = c.var.caller;
      const input = c.req.valid("json");
      // The current password is the re-authentication; an account without one needs a recent sign-in.
      if (input.currentPassword === undefined || !user.has_password) requireRecentAuth(ctx, c);
      else await assertCurrentPassword(ctx, user, input.currentPassword);
      await changePassword(ctx, { user, newPassword: input.newPassword, currentSessionId: session.id });
      await renewSession(c, ctx, cookies, user.id, session.method, amrOf(session));
      return c.json({ ok: true as const });
    },
  );
}
