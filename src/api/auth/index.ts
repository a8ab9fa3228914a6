import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import {
  type CookieNames,
  clearMfaCookie,
  clearSessionCookie,
  getCookie,
  setDeviceCookie,
  setMfaCookie,
} from "../../http/cookies.ts";
import { type RequestLimiter, rateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { startSession } from "../../http/session-cookie.ts";
import { validate } from "../../http/validation.ts";
import { summarizeUserAgent } from "../../lib/user-agent.ts";
import { completeMfa, login, reauthenticate } from "../../services/accounts/login.ts";
import { completeReset, requestResetByEmail } from "../../services/accounts/password.ts";
import { endCurrentSession } from "../../services/accounts/sessions.ts";
import { toPublicUser } from "../../services/accounts/users.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  LoginInput,
  MfaInput,
  MfaRequiredSchema,
  ReauthInput,
  ResetCompleteInput,
  ResetRequestInput,
  SignedInSchema,
} from "../../shared/accounts.ts";
import { OkSchema } from "../../shared/common.ts";

export type AuthRouteDeps = {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
  limits: RequestLimiter;
};

/** /api/v1/auth: sign-in, second factor, re-authentication, sign-out and password reset. */
export function authRoutes(deps: AuthRouteDeps) {
  const { ctx, action, cookies } = deps;
  const { limits } = deps;
  return new Hono<AppEnv>()
    .post(
      "/login",
      action("public"),
      describe("Sign in with email and password", ["auth"], {
        200: {
          description: "Signed in, or a second factor is needed",
          schema: v.union([SignedInSchema, MfaRequiredSchema]),
        },
      }),
      rateLimit(limits, "sign-in"),
      validate("json", LoginInput),
      async (c) => {
        const input = c.req.valid("json");
        const result = await login(ctx, {
          ...input,
          deviceCookie: getCookie(c, cookies.device),
          userAgent: summarizeUserAgent(c.req.header("User-Agent")),
        });
        if (result.deviceCookie) setDeviceCookie(c, cookies, result.deviceCookie);
        if (result.kind === "mfa") {
          setMfaCookie(c, cookies, result.binding);
          return c.json({
            status: "mfa_required" as const,
            mfaRequired: true as const,
            challenge: result.challenge,
            expiresAt: new Date(result.expiresAt).toISOString(),
          });
        }
        startSession(c, ctx, cookies, result.session);
        return c.json({
          status: "signed_in" as const,
          user: toPublicUser(ctx, result.user),
          mfaEnrolmentRequired: result.mfaEnrolmentRequired,
        });
      },
    )
    .post(
      "/mfa",
      action("public"),
      describe("Complete a sign-in with a TOTP code or a recovery code", ["auth"], {
        200: { description: "Signed in", schema: SignedInSchema },
      }),
      rateLimit(limits, "mfa"),
      validate("json", MfaInput),
      async (c) => {
        const input = c.req.valid("json");
        const result = await completeMfa(ctx, {
          ...input,
          userAgent: summarizeUserAgent(c.req.header("User-Agent")),
          binding: getCookie(c, cookies.mfa),
          deviceCookie: getCookie(c, cookies.device),
        });
        if (result.deviceCookie) setDeviceCookie(c, cookies, result.deviceCookie);
        clearMfaCookie(c, cookies);
        startSession(c, ctx, cookies, result.session);
        return c.json({
          status: "signed_in" as const,
          user: toPublicUser(ctx, result.user),
          mfaEnrolmentRequired: false,
        });
      },
    )
    .post(
      "/reauth",
      action("self", { enrolmentPending: true }),
      describe("Confirm it is you (password or TOTP code) before a sensitive change", ["auth"], {
        200: { description: "Confirmed for 5 minutes", schema: OkSchema },
      }),
      rateLimit(limits, "sign-in"),
      validate("json", ReauthInput),
      async (c) => {
        const { user, session } = c.var.caller;
        startSession(
          c,
          ctx,
          cookies,
          await reauthenticate(ctx, {
            user,
            session,
            proof: c.req.valid("json"),
            userAgent: summarizeUserAgent(c.req.header("User-Agent")),
          }),
        );
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/logout",
      action("self", { enrolmentPending: true }),
      describe("Sign out of this browser", ["auth"], { 200: { description: "Signed out", schema: OkSchema } }),
      (c) => {
        const { user, session } = c.var.caller;
        endCurrentSession(ctx, { userId: user.id, sessionId: session.id });
        clearSessionCookie(c, cookies);
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/password-reset/request",
      action("public"),
      describe(
        "Email a password reset link (same answer whether the address exists or not)",
        ["auth"],
        { 202: { description: "If the account exists, a link was sent", schema: OkSchema } },
        [400, 429, 503],
      ),
      rateLimit(limits, "password-reset"),
      validate("json", ResetRequestInput),
      async (c) => {
        await requestResetByEmail(ctx, c.req.valid("json").email);
        return c.json({ ok: true as const }, 202);
      },
    )
    .post(
      "/password-reset/complete",
      action("public"),
      describe(
        "Set a new password with a reset token; every session ends",
        ["auth"],
        { 200: { description: "Password changed; sign in again", schema: OkSchema } },
        [400, 429],
      ),
      rateLimit(limits, "password-reset"),
      validate("json", ResetCompleteInput),
      async (c) => {
        const input = c.req.valid("json");
        await completeReset(ctx, { token: input.token, newPassword: input.newPassword });
        return c.json({ ok: true as const });
      },
    );
}
