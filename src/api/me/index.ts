import { Hono } from "hono";
import { action } from "../../http/authorize.ts";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { callerOf, recentSessionOf, sessionOf } from "../../http/auth.ts";
import { type CookieNames, setSessionCookie } from "../../http/cookies.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { summarizeUserAgent } from "../../lib/user-agent.ts";
import { updateProfile } from "../../services/accounts/admin.ts";
import { createApiToken, listTokens, revokeToken } from "../../services/accounts/api-tokens.ts";
import { confirmTotpEnrolment, disableTotp, recoveryCodesLeft, regenerateRecoveryCodes, startTotpEnrolment } from "../../services/accounts/mfa.ts";
import { changePassword } from "../../services/accounts/password.ts";
import { endSession, listSessions, logOutEverywhere, rotateSession, sessionHandle } from "../../services/accounts/sessions.ts";
import { toPublicUser } from "../../services/accounts/users.ts";
import type { ServiceContext } from "../../services/context.ts";
import { PasswordChangeInput, ProfileInput, PublicUserSchema, TokenCreateInput, TotpConfirmInput } from "../../shared/accounts.ts";

export type MeRouteDeps = { ctx: ServiceContext; cookies: CookieNames };

const IdParam = v.strictObject({ id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/)) });
const MeResponse = v.object({
  user: PublicUserSchema,
  session: v.nullable(v.object({ id: v.string(), mfaEnrolmentRequired: v.boolean(), method: v.string(), authTime: v.string() })),
  recoveryCodesLeft: v.number(),
});
const Ok = v.object({ ok: v.literal(true) });
const SessionList = v.object({ sessions: v.array(v.object({ id: v.string(), current: v.boolean(), createdAt: v.string(), lastSeenAt: v.string(), method: v.string(), userAgent: v.string() })) });
const TokenSchema = v.object({ id: v.string(), name: v.string(), scope: v.string(), createdAt: v.string(), expiresAt: v.string(), lastUsedAt: v.nullable(v.string()), revoked: v.boolean() });

/** The signed-in user's own account: profile, sessions, password, MFA, API tokens. */
export function meRoutes(deps: MeRouteDeps) {
  const { ctx, cookies } = deps;
  /** After a security change the user's tokens are void: the current browser gets a new session. */
  const renewSession = async (c: Parameters<typeof sessionOf>[0], userId: string, method: string, amr: string[]) => {
    const session = await rotateSession(ctx, userId, { method, amr, userAgent: summarizeUserAgent(c.req.header("User-Agent")) });
    setSessionCookie(c, cookies, session.token, (session.expiresAt - ctx.clock.now()) / 1000);
  };

  return new Hono<AppEnv>()
    .get("/api/v1/me", action("self"), describe("The current user (no secrets); says when MFA enrolment is pending", ["me"], { 200: { description: "The current user", schema: MeResponse } }), (c) => {
      const auth = callerOf(c, { allowEnrolmentPending: true });
      return c.json({
        user: toPublicUser(ctx, auth.user),
        session:
          auth.kind === "session"
            ? { id: sessionHandle(ctx, auth.session.id), mfaEnrolmentRequired: auth.session.mfa_enrolment_required === 1, method: auth.session.method, authTime: new Date(auth.session.auth_time).toISOString() }
            : null,
        recoveryCodesLeft: recoveryCodesLeft(ctx, auth.user.id),
      });
    })
    .patch(
      "/api/v1/me",
      action("self"),
      describe("Change display name, or (after re-authentication) email", ["me"], { 200: { description: "Updated", schema: v.object({ user: PublicUserSchema }) } }, [400, 401, 403, 409]),
      validate("json", ProfileInput),
      (c) => {
        const input = c.req.valid("json");
        // The display name may also be changed with a write-scoped API token; the email only by a fresh sign-in.
        const auth = input.email !== undefined ? recentSessionOf(c, ctx) : callerOf(c);
        return c.json({ user: toPublicUser(ctx, updateProfile(ctx, auth.user, input)) });
      },
    )
    .get("/api/v1/me/sessions", action("self"), describe("My signed-in sessions", ["me"], { 200: { description: "Sessions", schema: SessionList } }), (c) => {
      const { user, session } = sessionOf(c);
      return c.json({ sessions: listSessions(ctx, user.id, session.id) });
    })
    .delete("/api/v1/me/sessions/:id", action("self"), describe("End one of my sessions (another one: re-authentication first)", ["me"], { 200: { description: "Ended", schema: Ok } }, [401, 403, 404]), validate("param", IdParam), (c) => {
      const { id } = c.req.valid("param");
      const { user, session } = sessionOf(c);
      if (id !== sessionHandle(ctx, session.id)) recentSessionOf(c, ctx);
      endSession(ctx, user.id, id, "ended_by_user");
      return c.json({ ok: true as const });
    })
    .post("/api/v1/me/sessions/revoke-all", action("self"), describe("Log out everywhere, this browser included (re-authentication first)", ["me"], { 200: { description: "All ended", schema: v.object({ revoked: v.number() }) } }), (c) => {
      const { user } = recentSessionOf(c, ctx);
      return c.json({ revoked: logOutEverywhere(ctx, user.id) });
    })
    .post("/api/v1/me/password", action("self"), describe("Change my password (re-authentication first); my other sessions end", ["me"], { 200: { description: "Changed", schema: Ok } }), validate("json", PasswordChangeInput), async (c) => {
      const { user, session } = recentSessionOf(c, ctx);
      await changePassword(ctx, user, c.req.valid("json").newPassword, session.id);
      await renewSession(c, user.id, session.method, JSON.parse(session.amr) as string[]);
      return c.json({ ok: true as const });
    })
    .post(
      "/api/v1/me/mfa/totp",
      action("self"),
      describe("Start TOTP enrolment: a secret, its otpauth:// URI and a QR code (SVG)", ["me"], {
        200: { description: "Scan, then confirm with a code", schema: v.object({ secret: v.string(), otpauthUri: v.string(), qrSvg: v.string() }) },
      }),
      async (c) => {
        const { user, session } = sessionOf(c, { allowEnrolmentPending: true });
        // Pending enrolment (a new admin) is itself the sign-in; otherwise a security change needs re-auth.
        if (session.mfa_enrolment_required !== 1) recentSessionOf(c, ctx);
        return c.json(await startTotpEnrolment(ctx, user));
      },
    )
    .post(
      "/api/v1/me/mfa/totp/confirm",
      action("self"),
      describe("Turn TOTP on with a first code; returns 10 single-use recovery codes (shown once)", ["me"], { 200: { description: "On", schema: v.object({ recoveryCodes: v.array(v.string()) }) } }),
      validate("json", TotpConfirmInput),
      async (c) => {
        const { user, session } = sessionOf(c, { allowEnrolmentPending: true });
        const recoveryCodes = confirmTotpEnrolment(ctx, user, c.req.valid("json").code, session.id);
        await renewSession(c, user.id, `${session.method}+otp`, [...(JSON.parse(session.amr) as string[]), "otp", "mfa"]);
        return c.json({ recoveryCodes });
      },
    )
    .delete("/api/v1/me/mfa/totp", action("self"), describe("Turn TOTP off (re-authentication first)", ["me"], { 200: { description: "Off", schema: Ok } }, [401, 403, 409]), async (c) => {
      const { user, session } = recentSessionOf(c, ctx);
      disableTotp(ctx, user, session.id);
      await renewSession(c, user.id, session.method, JSON.parse(session.amr) as string[]);
      return c.json({ ok: true as const });
    })
    .post("/api/v1/me/mfa/recovery-codes", action("self"), describe("New recovery codes (re-authentication first); the old ones stop working", ["me"], { 200: { description: "New codes", schema: v.object({ recoveryCodes: v.array(v.string()) }) } }, [401, 403, 409]), async (c) => {
      const { user, session } = recentSessionOf(c, ctx);
      const recoveryCodes = regenerateRecoveryCodes(ctx, user, session.id);
      await renewSession(c, user.id, session.method, JSON.parse(session.amr) as string[]);
      return c.json({ recoveryCodes });
    })
    .get("/api/v1/me/tokens", action("self"), describe("My personal API tokens (never their secrets)", ["me"], { 200: { description: "Tokens", schema: v.object({ tokens: v.array(TokenSchema) }) } }), (c) => {
      const { user } = sessionOf(c);
      return c.json({ tokens: listTokens(ctx, user.id) });
    })
    .post(
      "/api/v1/me/tokens",
      action("self"),
      describe("Create a personal API token (re-authentication first); the secret is shown once", ["me"], { 201: { description: "Created", schema: v.object({ token: v.string(), apiToken: TokenSchema }) } }),
      validate("json", TokenCreateInput),
      (c) => {
        const { user } = recentSessionOf(c, ctx);
        return c.json(createApiToken(ctx, user, c.req.valid("json")), 201);
      },
    )
    .delete("/api/v1/me/tokens/:id", action("self"), describe("Revoke one of my API tokens", ["me"], { 200: { description: "Revoked", schema: Ok } }, [401, 403, 404]), validate("param", IdParam), (c) => {
      const { user } = sessionOf(c);
      revokeToken(ctx, user.id, c.req.valid("param").id);
      return c.json({ ok: true as const });
    });
}
