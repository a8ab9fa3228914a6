import { Hono } from "hono";
import { action } from "../../http/authorize.ts";
import * as v from "valibot";
import { AuditEntrySchema } from "../../shared/audit.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { instanceAdminOf, recentInstanceAdminOf } from "../../http/auth.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { disableUser, enableUser, listAllUsers, revokeSessionsOf } from "../../services/accounts/admin.ts";
import { adminResetMfa } from "../../services/accounts/mfa.ts";
import { createResetLink } from "../../services/accounts/password.ts";
import { getInstanceSettings, updateInstanceSettings } from "../../services/accounts/settings.ts";
import type { ServiceContext } from "../../services/context.ts";
import { deleteSsoProvider, listSsoProviders, saveSsoProvider } from "../../services/accounts/sso.ts";
import { listAudit, verifyAudit } from "../../services/audit/audit.ts";
import { PublicUserSchema, SettingsInput, SsoProviderInput } from "../../shared/accounts.ts";

const UserParam = v.strictObject({ userId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)) });
const Ok = v.object({ ok: v.literal(true) });
const Settings = v.object({ sessionIdleMinutes: v.number(), sessionAbsoluteHours: v.number(), totpToleranceSeconds: v.number(), auditRetentionDays: v.number() });
const AuditQuery = v.strictObject({
  before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/), v.transform(Number))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/), v.transform(Number), v.minValue(1), v.maxValue(500)), "100"),
});
const Verification = v.object({
  ok: v.boolean(),
  checked: v.number(),
  lastSeq: v.number(),
  firstBroken: v.optional(v.object({ seq: v.number(), reason: v.string() })),
});

/** The operator's routes: accounts and instance settings. They open no team's data. */
export function instanceRoutes(deps: { ctx: ServiceContext }) {
  const { ctx } = deps;
  return new Hono<AppEnv>()
    .get("/api/v1/instance/users", action("instance.admin"), describe("All accounts of this installation", ["instance"], { 200: { description: "Users", schema: v.object({ users: v.array(PublicUserSchema) }) } }), (c) => {
      return c.json({ users: listAllUsers(ctx) });
    })
    .post("/api/v1/instance/users/:userId/disable", action("instance.admin"), describe("Disable an account; all its sessions end", ["instance"], { 200: { description: "Disabled", schema: Ok } }, [401, 403, 404, 409]), validate("param", UserParam), (c) => {
      const admin = recentInstanceAdminOf(c, ctx);
      disableUser(ctx, admin.user.id, c.req.valid("param").userId);
      return c.json({ ok: true as const });
    })
    .post("/api/v1/instance/users/:userId/enable", action("instance.admin"), describe("Enable a disabled account", ["instance"], { 200: { description: "Enabled", schema: Ok } }, [401, 403, 404]), validate("param", UserParam), (c) => {
      const admin = instanceAdminOf(c);
      enableUser(ctx, admin.user.id, c.req.valid("param").userId);
      return c.json({ ok: true as const });
    })
    .post(
      "/api/v1/instance/users/:userId/sessions/revoke",
      action("instance.admin"),
      describe("Log a user out everywhere", ["instance"], { 200: { description: "Revoked", schema: v.object({ revoked: v.number() }) } }, [401, 403, 404]),
      validate("param", UserParam),
      (c) => {
        const admin = instanceAdminOf(c);
        return c.json({ revoked: revokeSessionsOf(ctx, admin.user.id, c.req.valid("param").userId) });
      },
    )
    .post("/api/v1/instance/users/:userId/mfa/reset", action("instance.admin"), describe("Remove a user's two-factor authentication (break-glass; audited, user told)", ["instance"], { 200: { description: "Reset", schema: Ok } }, [401, 403, 404]), validate("param", UserParam), (c) => {
      const admin = recentInstanceAdminOf(c, ctx);
      adminResetMfa(ctx, admin.user.id, c.req.valid("param").userId);
      return c.json({ ok: true as const });
    })
    .post(
      "/api/v1/instance/users/:userId/password-reset-link",
      action("instance.admin"),
      describe("A one-time password reset link (30 minutes) to hand to the user", ["instance"], { 201: { description: "The link, shown once", schema: v.object({ url: v.string(), expiresAt: v.string() }) } }, [401, 403, 404]),
      validate("param", UserParam),
      (c) => {
        const admin = recentInstanceAdminOf(c, ctx);
        return c.json(createResetLink(ctx, admin.user.id, c.req.valid("param").userId), 201);
      },
    )
    .get("/api/v1/instance/settings", action("instance.admin"), describe("Instance security settings", ["instance"], { 200: { description: "Settings", schema: Settings } }), (c) => {
      return c.json(getInstanceSettings(ctx));
    })
    .get("/api/v1/instance/audit", action("instance.admin"), describe("The instance's audit trail, newest first (page with ?before=seq)", ["instance"], { 200: { description: "Entries", schema: v.object({ entries: v.array(AuditEntrySchema) }) } }), validate("query", AuditQuery), (c) => {
      const q = c.req.valid("query");
      // The instance trail: instance-wide changes only (a team's trail belongs to its owners).
      return c.json({ entries: listAudit(ctx, { teamId: null, limit: Number(q.limit), ...(q.before !== undefined ? { beforeSeq: q.before } : {}) }) });
    })
    .get("/api/v1/instance/audit/verify", action("instance.admin"), describe("Verify the audit chain; reports the first broken link", ["instance"], { 200: { description: "Result", schema: Verification } }), (c) => {
      return c.json(verifyAudit(ctx));
    })
    .patch("/api/v1/instance/settings", action("instance.admin"), describe("Change instance security settings", ["instance"], { 200: { description: "Settings", schema: Settings } }), validate("json", SettingsInput), (c) => {
      const admin = recentInstanceAdminOf(c, ctx);
      return c.json(updateInstanceSettings(ctx, c.req.valid("json"), admin.user.id));
    });
}

const ProviderSchema = v.object({
  id: v.string(),
  name: v.string(),
  preset: v.string(),
  issuer: v.string(),
  clientId: v.string(),
  allowedDomains: v.array(v.string()),
  jitEnabled: v.boolean(),
  jitTeamId: v.nullable(v.string()),
  trustIdpMfa: v.boolean(),
  enabled: v.boolean(),
});
const ProviderParam = v.strictObject({ providerId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)) });

/** SSO providers, configured by the instance admin; client secrets are write-only. */
export function ssoProviderRoutes(deps: { ctx: ServiceContext }) {
  const { ctx } = deps;
  return new Hono<AppEnv>()
    .get("/api/v1/instance/sso-providers", action("instance.admin"), describe("Configured SSO providers (secrets never shown)", ["instance"], { 200: { description: "Providers", schema: v.object({ providers: v.array(ProviderSchema) }) } }), (c) => {
      return c.json({ providers: listSsoProviders(ctx) });
    })
    .post("/api/v1/instance/sso-providers", action("instance.admin"), describe("Add an SSO provider (generic OIDC issuer, or the Google preset)", ["instance"], { 201: { description: "Added", schema: ProviderSchema } }), validate("json", SsoProviderInput), (c) => {
      const admin = recentInstanceAdminOf(c, ctx);
      return c.json(saveSsoProvider(ctx, admin.user.id, c.req.valid("json")), 201);
    })
    .put(
      "/api/v1/instance/sso-providers/:providerId",
      action("instance.admin"),
      describe("Replace an SSO provider's settings (omit clientSecret to keep it)", ["instance"], { 200: { description: "Saved", schema: ProviderSchema } }, [400, 401, 403, 404]),
      validate("param", ProviderParam),
      validate("json", SsoProviderInput),
      (c) => {
        const admin = recentInstanceAdminOf(c, ctx);
        return c.json(saveSsoProvider(ctx, admin.user.id, c.req.valid("json"), c.req.valid("param").providerId));
      },
    )
    .delete("/api/v1/instance/sso-providers/:providerId", action("instance.admin"), describe("Remove an SSO provider (its linked identities go too)", ["instance"], { 200: { description: "Removed", schema: Ok } }, [401, 403, 404]), validate("param", ProviderParam), (c) => {
      const admin = recentInstanceAdminOf(c, ctx);
      deleteSsoProvider(ctx, admin.user.id, c.req.valid("param").providerId);
      return c.json({ ok: true as const });
    });
}
