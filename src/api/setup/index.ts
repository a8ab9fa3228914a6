import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import type { CookieNames } from "../../http/cookies.ts";
import { type RequestLimiter, rateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { startSession } from "../../http/session-cookie.ts";
import { validate } from "../../http/validation.ts";
import { summarizeUserAgent } from "../../lib/user-agent.ts";
import { createSession } from "../../services/accounts/sessions.ts";
import { completeSetup, isSetupNeeded } from "../../services/accounts/setup.ts";
import { toPublicUser } from "../../services/accounts/users.ts";
import type { ServiceContext } from "../../services/context.ts";
import { notFound } from "../../services/errors.ts";
import { SetupInput, SetupStatusSchema, SignedInSchema } from "../../shared/accounts.ts";

/** /api/v1/setup: first-run setup of the first instance admin with the one-time token. */
export function setupRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  cookies: CookieNames;
  keyDir: string;
  limits: RequestLimiter;
}) {
  const { ctx, action, cookies } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("public"),
      describe(
        "Whether first-run setup is open (404 once an account exists)",
        ["setup"],
        { 200: { description: "Setup is open", schema: SetupStatusSchema } },
        [404],
      ),
      (c) => {
        if (!isSetupNeeded(ctx)) throw notFound();
        return c.json({ setupRequired: true as const });
      },
    )
    .post(
      "/",
      action("public"),
      describe(
        "Create the first instance admin with the one-time setup token",
        ["setup"],
        { 201: { description: "Admin created and signed in", schema: SignedInSchema } },
        [400, 404, 429],
      ),
      rateLimit(deps.limits, "sign-in"),
      validate("json", SetupInput),
      async (c) => {
        const user = await completeSetup(ctx, { ...c.req.valid("json"), keyDir: deps.keyDir });
        const session = await createSession(ctx, {
          user,
          method: "setup",
          amr: ["pwd"],
          userAgent: summarizeUserAgent(c.req.header("User-Agent")),
          mfaEnrolmentRequired: true,
        });
        startSession(c, ctx, cookies, session);
        return c.json({ status: "signed_in" as const, user: toPublicUser(ctx, user), mfaEnrolmentRequired: true }, 201);
      },
    );
}
