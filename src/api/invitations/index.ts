import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { type RequestLimiter, rateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import type { ServiceContext } from "../../services/context.ts";
import { acceptInvitation, previewInvitation, registerWithInvitation } from "../../services/teams/invitations.ts";
import {
  InvitationAcceptInput,
  InvitationPreviewInput,
  InvitationPreviewSchema,
  InvitationRegisterInput,
  JoinedTeamSchema,
} from "../../shared/teams.ts";

/**
 * /api/v1/invitations: the invited person's side — see what the link is for, accept while signed in,
 * or register and join. The token always travels in a body, never in a URL.
 */
export function invitationRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  limits: RequestLimiter;
}) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .post(
      "/preview",
      action("public"),
      describe(
        "What an invitation link is for: the team, who invited, the address and role, whether it has an account",
        ["teams"],
        { 200: { description: "The invitation", schema: InvitationPreviewSchema } },
        [400, 429],
      ),
      rateLimit(deps.limits, "invitations"),
      validate("json", InvitationPreviewInput),
      (c) => c.json(previewInvitation(ctx, c.req.valid("json").token)),
    )
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
      rateLimit(deps.limits, "invitations"),
      validate("json", InvitationRegisterInput),
      async (c) => c.json(await registerWithInvitation(ctx, c.req.valid("json")), 201),
    );
}
