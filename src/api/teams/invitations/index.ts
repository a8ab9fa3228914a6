import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { inviteMember, listTeamInvitations, revokeTeamInvitation } from "../../../services/teams/invitations.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import { CreatedInvitationSchema, InvitationInput, InvitationSchema } from "../../../shared/teams.ts";

const InvitationParam = v.strictObject({ teamId: IdSchema, invitationId: IdSchema });

/** /api/v1/teams/:teamId/invitations: the team's pending and past invitations. */
export function teamInvitationRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>()
    .get(
      "/",
      action("invitations.manage"),
      describe(
        "Invitations of the team",
        ["teams"],
        { 200: { description: "Invitations", schema: v.object({ invitations: v.array(InvitationSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      (c) => c.json({ invitations: listTeamInvitations(ctx, c.var.team) }),
    )
    .post(
      "/",
      action("invitations.manage"),
      describe(
        "Invite by email with a role: a one-time link, 7 days (emailed with SMTP, else returned once)",
        ["teams"],
        { 201: { description: "Invited", schema: CreatedInvitationSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", InvitationInput),
      (c) => c.json(inviteMember(ctx, { access: c.var.team, fields: c.req.valid("json") }), 201),
    )
    .delete(
      "/:invitationId",
      action("invitations.manage"),
      describe(
        "Revoke a pending invitation",
        ["teams"],
        { 200: { description: "Revoked", schema: OkSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", InvitationParam),
      (c) => {
        revokeTeamInvitation(ctx, { access: c.var.team, invitationId: c.req.valid("param").invitationId });
        return c.json({ ok: true as const });
      },
    );
}
