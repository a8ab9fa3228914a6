import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { requireRecentAuth, type routeActions } from "../../http/authorize.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { updateProfile } from "../../services/accounts/admin.ts";
import { countRecoveryCodesLeft } from "../../services/accounts/mfa.ts";
import { sessionHandle } from "../../services/accounts/sessions.ts";
import { toPublicUser } from "../../services/accounts/users.ts";
import type { ServiceContext } from "../../services/context.ts";
import { deleteOwnAccount } from "../../services/teams/teams.ts";
import { MeSchema, ProfileInput, PublicUserSchema } from "../../shared/accounts.ts";
import { OkSchema } from "../../shared/common.ts";

/** /api/v1/me: the signed-in user's own account. */
export function meRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("self", { tokens: true, enrolmentPending: true }),
      describe("The current user (no secrets); says when MFA enrolment is pending", ["me"], {
        200: { description: "The current user", schema: MeSchema },
      }),
      (c) => {
        const caller = c.var.caller;
        return c.json({
          user: toPublicUser(ctx, caller.user),
          session:
            caller.kind === "session"
              ? {
                  id: sessionHandle(ctx, caller.session.id),
                  mfaEnrolmentRequired: caller.session.mfa_enrolment_required === 1,
                  method: caller.session.method,
                  authTime: new Date(caller.session.auth_time).toISOString(),
                }
              : null,
          countRecoveryCodesLeft: countRecoveryCodesLeft(ctx, caller.user.id),
        });
      },
    )
    .patch(
      "/",
      action("self", { tokens: true }),
      describe(
        "Change display name, or (after re-authentication) email",
        ["me"],
        { 200: { description: "Updated", schema: v.object({ user: PublicUserSchema }) } },
        [400, 401, 403, 409],
      ),
      validate("json", ProfileInput),
      (c) => {
        const input = c.req.valid("json");
        // The display name may also be changed with a write-scoped API token; the email only by a fresh sign-in.
        if (input.email !== undefined) requireRecentAuth(ctx, c);
        return c.json({ user: toPublicUser(ctx, updateProfile(ctx, { user: c.var.caller.user, changes: input })) });
      },
    )
    .delete(
      "/",
      action("self", { recent: true }),
      describe(
        "Delete my account (re-authentication first; not while I am a team's only owner)",
        ["me"],
        { 200: { description: "Deleted", schema: OkSchema } },
        [401, 403, 409],
      ),
      (c) => {
        deleteOwnAccount(ctx, c.var.caller.user.id);
        return c.json({ ok: true as const });
      },
    );
}
