import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import { requireRecentAuth, type routeActions } from "../../../http/authorize.ts";
import type { CookieNames } from "../../../http/cookies.ts";
import { describe } from "../../../http/respond.ts";
import { amrOf, renewSession } from "../../../http/session-cookie.ts";
import { validate } from "../../../http/validation.ts";
import {
  confirmTotpEnrolment,
  disableTotp,
  regenerateRecoveryCodes,
  startTotpEnrolment,
} from "../../../services/accounts/mfa.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { RecoveryCodesSchema, TotpConfirmInput, TotpEnrolmentSchema } from "../../../shared/accounts.ts";
import { OkSchema } from "../../../shared/common.ts";

/** /api/v1/me/mfa: my second factor (TOTP and recovery codes); each change ends my other sessions. */
export function meMfaRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>()
    .post(
      "/totp",
      action("self", { enrolmentPending: true }),
      describe("Start TOTP enrolment: a secret, its otpauth:// URI and a QR code (SVG)", ["me"], {
        200: { description: "Scan, then confirm with a code", schema: TotpEnrolmentSchema },
      }),
      async (c) => {
        const { user, session } = c.var.caller;
        // Pending enrolment (a new admin) is itself the sign-in; otherwise a security change needs re-auth.
        if (session.mfa_enrolment_required !== 1) requireRecentAuth(ctx, c);
        return c.json(await startTotpEnrolment(ctx, user));
      },
    )
    .post(
      "/totp/confirm",
      action("self", { enrolmentPending: true }),
      describe("Turn TOTP on with a first code; returns 10 single-use recovery codes (shown once)", ["me"], {
        200: { description: "On", schema: RecoveryCodesSchema },
      }),
      validate("json", TotpConfirmInput),
      async (c) => {
        const { user, session } = c.var.caller;
        const recoveryCodes = confirmTotpEnrolment(ctx, {
          user,
          code: c.req.valid("json").code,
          currentSessionId: session.id,
        });
        await renewSession(c, ctx, cookies, user.id, `${session.method}+otp`, [...amrOf(session), "otp", "mfa"]);
        return c.json({ recoveryCodes });
      },
    )
    .delete(
      "/totp",
      action("self", { recent: true }),
      describe(
        "Turn TOTP off (re-authentication first)",
        ["me"],
        { 200: { description: "Off", schema: OkSchema } },
        [401, 403, 409],
      ),
      async (c) => {
        const { user, session } = c.var.caller;
        disableTotp(ctx, { user, currentSessionId: session.id });
        await renewSession(c, ctx, cookies, user.id, session.method, amrOf(session));
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/recovery-codes",
      action("self", { recent: true }),
      describe(
        "New recovery codes (re-authentication first); the old ones stop working",
        ["me"],
        { 200: { description: "New codes", schema: RecoveryCodesSchema } },
        [401, 403, 409],
      ),
      async (c) => {
        const { user, session } = c.var.caller;
        const recoveryCodes = regenerateRecoveryCodes(ctx, { user, currentSessionId: session.id });
        await renewSession(c, ctx, cookies, user.id, session.method, amrOf(session));
        return c.json({ recoveryCodes });
      },
    );
}
