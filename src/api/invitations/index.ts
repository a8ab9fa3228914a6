import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { type IpLimiter, ipRateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import type { ServiceContext } from "../../services/context.ts";
import { acceptInvitation, registerWithInvitation } from "../../services/teams/invitations.ts";
import { InvitationAcceptInput, InvitationRegisterInput, JoinedTeamSchema } from "../../shared/teams.ts";

/** /api/v1/invitations: the invited person's side — accept while signed in, or register and join. */
export function invitationRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  ipLimiter: IpLimiter;
}) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .post(
      "/accept",
      action("self"),
      describe(
        "Accept an invitation (signed in with the invited address)",
        ["teams"],
        { 200: { description: "Joined", schema: JoinedTeamSchema } },
        [400, 401, 403, 409],
      ),
      validate("json", InvitationAcceptInput),
      (c) => c.json(acceptInvitation(ctx, { user: c.var.caller.user, token: c.req.valid("json").token })),
    )
    .post(
      "/register",
      action("public"),
      describe(
        "Create the account of an invited address and join the team; then sign in",
        ["teams"],
        { 201: { description: "Account created and joined", schema: JoinedTeamSchema } },
        [400, 409, 429],
      ),
      ipRateLimit(deps.ipLimiter),
      validate("json", InvitationRegisterInput),
      async (c) => c.json(await registerWithInvitation(ctx, c.req.valid("json")), 201),
    );
}
