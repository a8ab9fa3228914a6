import { Hono } from "hono";
import type { AppEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import type { ServiceContext } from "../../services/context.ts";
import { listFeedbackAcrossTeams, searchFeedbackAcrossTeams } from "../../services/feedback/across-teams.ts";
import { FeedbackAcrossPageSchema, FeedbackListQuery, SearchQuery } from "../../shared/feedback.ts";

/**
 * /api/v1/feedback: the feedback of every team the caller belongs to, as one inbox — each team's
 * access checked as its own routes check it (a reporter sees only their own items there; a team
 * whose policy this sign-in does not meet is left out and named).
 */
export function crossTeamFeedbackRoutes(deps: { ctx: ServiceContext; action: ReturnType<typeof routeActions> }) {
  const { ctx, action } = deps;
  const caller = (auth: AppEnv["Variables"]["auth"] & object) => ({
    user: auth.user,
    session: auth.kind === "session" ? auth.session : undefined,
  });
  return new Hono<AppEnv>()
    .get(
      "/",
      action("self", { tokens: true }),
      describe(
        "Feedback across the caller's teams: the team list's filters, order and cursor pagination; teams whose policy this sign-in does not meet are listed in skippedTeams",
        ["feedback"],
        { 200: { description: "A page", schema: FeedbackAcrossPageSchema } },
        [400, 401, 403],
      ),
      validate("query", FeedbackListQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(
          listFeedbackAcrossTeams(ctx, { ...caller(c.var.caller), filters: { ...q, trash: q.trash === "1" } }),
        );
      },
    )
    .get(
      "/search",
      action("self", { tokens: true }),
      describe(
        "Full-text search across the caller's teams, with the list's filters (each team's rules as in its own search)",
        ["feedback"],
        { 200: { description: "Matches", schema: FeedbackAcrossPageSchema } },
        [400, 401, 403],
      ),
      validate("query", SearchQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(
          searchFeedbackAcrossTeams(ctx, {
            ...caller(c.var.caller),
            text: q.q,
            filters: { ...q, trash: q.trash === "1" },
          }),
        );
      },
    );
}
