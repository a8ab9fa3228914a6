import { Hono } from "hono";
import { action } from "../../http/authorize.ts";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { sessionOf } from "../../http/auth.ts";
import { clearMfaCookie, type CookieNames, clearSessionCookie, getCookie, setDeviceCookie, setMfaCookie, setSessionCookie } from "../../http/cookies.ts";
import { type IpLimiter, ipRateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { summarizeUserAgent } from "../../lib/user-agent.ts";
import { completeMfa, login, reauthenticate } from "../../services/accounts/login.ts";
import { completeReset, requestResetByEmail } from "../../services/accounts/password.ts";
import { createSession, endCurrentSession, type IssuedSession } from "../../services/accounts/sessions.ts";
import { completeSetup, setupNeeded } from "../../services/accounts/setup.ts";
import { toPublicUser } from "../../services/accounts/users.ts";
import type { ServiceContext } from "../../services/context.ts";
import { notFound } from "../../services/errors.ts";
import { LoginInput, MfaInput, PublicUserSchema, ReauthInput, ResetCompleteInput, ResetRequestInput, SetupInput } from "../../shared/accounts.ts";

export type AuthRouteDeps = { ctx: ServiceContext; cookies: CookieNames; keyDir: string; ipLimiter: IpLimiter };

const SignedIn = v.object({ status: v.literal("signed_in"), user: PublicUserSchema, mfaEnrolmentRequired: v.boolean() });
const MfaRequired = v.object({ status: v.literal("mfa_required"), mfaRequired: v.literal(true), challenge: v.string(), expiresAt: v.string() });
const Ok = v.object({ ok: v.literal(true) });
const SetupStatus = v.object({ setupRequired: v.literal(true) });

/** Sign-in, second factor, re-authentication, sign-out, first-run setup and password reset. */
export function authRoutes(deps: AuthRouteDeps) {
  const { ctx, cookies } = deps;
  const limited = ipRateLimit(deps.ipLimiter);
  const startSession = (c: Parameters<typeof sessionOf>[0], session: IssuedSession) =>
    setSessionCookie(c, cookies, session.token, (session.expiresAt - ctx.clock.now()) / 1000);

  return new Hono<AppEnv>()
    .post(
      "/api/v1/auth/login",
      action("public"),
      describe("Sign in with email and password", ["auth"], { 200: { description: "Signed in, or a second factor is needed", schema: v.union([SignedIn, MfaRequired]) } }),
      limited,
      validate("json", LoginInput),
      async (c) => {
        const input = c.req.valid("json");
        const result = await login(ctx, { ...input, deviceCookie: getCookie(c, cookies.device), userAgent: summarizeUserAgent(c.req.header("User-Agent")) });
        if (result.deviceCookie) setDeviceCookie(c, cookies, result.deviceCookie);
        if (result.kind === "mfa") {
          setMfaCookie(c, cookies, result.binding);
          return c.json({ status: "mfa_required" as const, mfaRequired: true as const, challenge: result.challenge, expiresAt: new Date(result.expiresAt).toISOString() });
        }
        startSession(c, result.session);
        return c.json({ status: "signed_in" as const, user: toPublicUser(ctx, result.user), mfaEnrolmentRequired: result.mfaEnrolmentRequired });
      },
    )
    .post(
      "/api/v1/auth/mfa",
      action("public"),
      describe("Complete a sign-in with a TOTP code or a recovery code", ["auth"], { 200: { description: "Signed in", schema: SignedIn } }),
      limited,
      validate("json", MfaInput),
      async (c) => {
        const input = c.req.valid("json");
        const result = await completeMfa(ctx, { ...input, userAgent: summarizeUserAgent(c.req.header("User-Agent")), binding: getCookie(c, cookies.mfa), deviceCookie: getCookie(c, cookies.device) });
        if (result.deviceCookie) setDeviceCookie(c, cookies, result.deviceCookie);
        clearMfaCookie(c, cookies);
        startSession(c, result.session);
        return c.json({ status: "signed_in" as const, user: toPublicUser(ctx, result.user), mfaEnrolmentRequired: false });
      },
    )
    .post(
      "/api/v1/auth/reauth",
      action("self"),
      describe("Confirm it is you (password or TOTP code) before a sensitive change", ["auth"], { 200: { description: "Confirmed for 5 minutes", schema: Ok } }),
      limited,
      validate("json", ReauthInput),
      async (c) => {
        const { user, session } = sessionOf(c, { allowEnrolmentPending: true });
        startSession(c, await reauthenticate(ctx, user, session, c.req.valid("json"), summarizeUserAgent(c.req.header("User-Agent"))));
        return c.json({ ok: true as const });
      },
    )
    .post("/api/v1/auth/logout", action("self"), describe("Sign out of this browser", ["auth"], { 200: { description: "Signed out", schema: Ok } }), (c) => {
      const { user, session } = sessionOf(c, { allowEnrolmentPending: true });
      endCurrentSession(ctx, user.id, session.id);
      clearSessionCookie(c, cookies);
      return c.json({ ok: true as const });
    })
    .get(
      "/api/v1/setup",
      action("public"),
      describe("Whether first-run setup is open (404 once an account exists)", ["setup"], { 200: { description: "Setup is open", schema: SetupStatus } }, [404]),
      (c) => {
        if (!setupNeeded(ctx)) throw notFound();
        return c.json({ setupRequired: true as const });
      },
    )
    .post(
      "/api/v1/setup",
      action("public"),
      describe("Create the first instance admin with the one-time setup token", ["setup"], { 201: { description: "Admin created and signed in", schema: SignedIn } }, [400, 404, 429]),
      limited,
      validate("json", SetupInput),
      async (c) => {
        const input = c.req.valid("json");
        const user = await completeSetup(ctx, input, deps.keyDir);
        const session = await createSession(ctx, { user, method: "setup", amr: ["pwd"], userAgent: summarizeUserAgent(c.req.header("User-Agent")), mfaEnrolmentRequired: true });
        startSession(c, session);
        return c.json({ status: "signed_in" as const, user: toPublicUser(ctx, user), mfaEnrolmentRequired: true }, 201);
      },
    )
    .post(
      "/api/v1/auth/password-reset/request",
      action("public"),
      describe("Email a password reset link (same answer whether the address exists or not)", ["auth"], { 202: { description: "If the account exists, a link was sent", schema: Ok } }, [400, 429, 503]),
      limited,
      validate("json", ResetRequestInput),
      async (c) => {
        await requestResetByEmail(ctx, c.req.valid("json").email);
        return c.json({ ok: true as const }, 202);
      },
    )
    .post(
      "/api/v1/auth/password-reset/complete",
      action("public"),
      describe("Set a new password with a reset token; every session ends", ["auth"], { 200: { description: "Password changed; sign in again", schema: Ok } }, [400, 429]),
      limited,
      validate("json", ResetCompleteInput),
      async (c) => {
        const input = c.req.valid("json");
        await completeReset(ctx, input.token, input.newPassword);
        return c.json({ ok: true as const });
      },
    );
}
