import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { updateTeamPolicy } from "../../../services/teams/teams.ts";
import { TeamParam } from "../../../shared/common.ts";
import { PolicyInput, TeamSchema } from "../../../shared/teams.ts";

/** /api/v1/teams/:teamId/policy: the team's security policy. */
export function policyRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>().patch(
    "/",
    action("team.policy.update"),
    describe(
      "The team's security policy: MFA, inactivity timeout, SSO",
      ["teams"],
      { 200: { description: "Team", schema: TeamSchema } },
      TEAM_ROUTE_ERRORS,
    ),
    validate("param", TeamParam),
    validate("json", PolicyInput),
    (c) => {
      const caller = c.var.caller;
      return c.json(
        updateTeamPolicy(ctx, {
          access: c.var.team,
          changes: c.req.valid("json"),
          session: caller.kind === "session" ? caller.session : undefined,
        }),
      );
    },
  );
}
