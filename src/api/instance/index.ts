import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { disableUser, enableUser, listAllUsers, revokeUserSessions } from "../../services/accounts/admin.ts";
import { adminResetMfa } from "../../services/accounts/mfa.ts";
import { createResetLink, emailResetLink } from "../../services/accounts/password.ts";
import { getInstanceSettings, updateInstanceSettings } from "../../services/accounts/settings.ts";
import { listAudit, verifyAudit } from "../../services/audit/audit.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  InstanceSettingsSchema,
  PublicUserSchema,
  ResetEmailSchema,
  ResetLinkSchema,
  SettingsInput,
} from "../../shared/accounts.ts";
import { AuditEntrySchema, AuditVerificationSchema } from "../../shared/audit.ts";
import { IdSchema, OkSchema } from "../../shared/common.ts";

const UserParam = v.strictObject({ userId: IdSchema });
const AuditQuery = v.strictObject({
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500)),
    "100",
  ),
});

/** /api/v1/instance: the operator's routes — accounts, instance settings, the instance trail. They open no team's data. */
export function instanceRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/users",
      action("instance.admin"),
      describe("All accounts of this installation", ["instance"], {
        200: { description: "Users", schema: v.object({ users: v.array(PublicUserSchema) }) },
      }),
      (c) => c.json({ users: listAllUsers(ctx) }),
    )
    .post(
      "/users/:userId/disable",
      action("instance.admin", { recent: true }),
      describe(
        "Disable an account; all its sessions end",
        ["instance"],
        { 200: { description: "Disabled", schema: OkSchema } },
        [401, 403, 404, 409],
      ),
      validate("param", UserParam),
      (c) => {
        disableUser(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/users/:userId/enable",
      action("instance.admin"),
      describe(
        "Enable a disabled account",
        ["instance"],
        { 200: { description: "Enabled", schema: OkSchema } },
        [401, 403, 404],
      ),
      validate("param", UserParam),
      (c) => {
        enableUser(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/users/:userId/sessions/revoke",
      action("instance.admin"),
      describe(
        "Log a user out everywhere",
        ["instance"],
        { 200: { description: "Revoked", schema: v.object({ revoked: v.number() }) } },
        [401, 403, 404],
      ),
      validate("param", UserParam),
      (c) =>
        c.json({
          revoked: revokeUserSessions(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId }),
        }),
    )
    .post(
      "/users/:userId/mfa/reset",
      action("instance.admin", { recent: true }),
      describe(
        "Remove a user's two-factor authentication (break-glass; audited, user told)",
        ["instance"],
        { 200: { description: "Reset", schema: OkSchema } },
        [401, 403, 404],
      ),
      validate("param", UserParam),
      (c) => {
        adminResetMfa(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/users/:userId/password-reset-link",
      action("instance.admin", { recent: true }),
      describe(
        "A one-time password reset link (30 minutes) to hand to the user",
        ["instance"],
        { 201: { description: "The link, shown once", schema: ResetLinkSchema } },
        [401, 403, 404],
      ),
      validate("param", UserParam),
      (c) => c.json(createResetLink(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId }), 201),
    )
    .post(
      "/users/:userId/password-reset-email",
      action("instance.admin", { recent: true }),
      describe(
        "Email the user a one-time password reset link (30 minutes); needs SMTP",
        ["instance"],
        { 202: { description: "Sent", schema: ResetEmailSchema } },
        [401, 403, 404, 503],
      ),
      validate("param", UserParam),
      async (c) =>
        c.json(await emailResetLink(ctx, { adminId: c.var.caller.user.id, userId: c.req.valid("param").userId }), 202),
    )
    .get(
      "/settings",
      action("instance.admin"),
      describe("Instance security settings", ["instance"], {
        200: { description: "Settings", schema: InstanceSettingsSchema },
      }),
      (c) => c.json(getInstanceSettings(ctx)),
    )
    .patch(
      "/settings",
      action("instance.admin", { recent: true }),
      describe("Change instance security settings", ["instance"], {
        200: { description: "Settings", schema: InstanceSettingsSchema },
      }),
      validate("json", SettingsInput),
      (c) => c.json(updateInstanceSettings(ctx, { changes: c.req.valid("json"), actorId: c.var.caller.user.id })),
    )
    .get(
      "/audit",
      action("instance.admin"),
      describe("The instance's audit trail, newest first (page with ?before=seq)", ["instance"], {
        200: { description: "Entries", schema: v.object({ entries: v.array(AuditEntrySchema) }) },
      }),
      validate("query", AuditQuery),
      (c) => {
        const q = c.req.valid("query");
        // The instance trail: instance-wide changes only (a team's trail belongs to its owners).
        return c.json({
          entries: listAudit(ctx, {
            teamId: null,
            limit: Number(q.limit),
            ...(q.before !== undefined ? { beforeSeq: q.before } : {}),
          }),
        });
      },
    )
    .get(
      "/audit/verify",
      action("instance.admin"),
      describe("Verify the audit chain; reports the first broken link", ["instance"], {
        200: { description: "Result", schema: AuditVerificationSchema },
      }),
      (c) => c.json(verifyAudit(ctx)),
    );
}
