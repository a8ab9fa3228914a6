import type { Hono, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import { assertScope } from "../services/accounts/api-tokens.ts";
import { isTeamAction, type RouteAction } from "../services/authz.ts";
import type { ServiceContext } from "../services/context.ts";
import { notFound, unauthenticated } from "../services/errors.ts";
import { resolveTeamAccess } from "../services/teams/access.ts";
import type { AppEnv } from "./app-env.ts";
import { instanceAdminOf } from "./auth.ts";

/** Marks the middleware that declares a route's action, for the fail-closed start-up check. */
const ACTION = Symbol.for("loupe.route-action");

/**
 * Declares what a route does (an action of the authorization table, or public / self /
 * instance.admin) and enforces it. Team actions resolve the caller's live membership of
 * `:teamId` (404 when none), the team's policy, and the role (403).
 */
export function action(name: RouteAction, ctx?: ServiceContext): MiddlewareHandler<AppEnv> {
  if (isTeamAction(name) && !ctx) throw new Error(`team action ${name} needs the service context`);
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    if (name === "instance.admin") instanceAdminOf(c);
    if (isTeamAction(name)) {
      const auth = c.get("auth");
      if (!auth) throw unauthenticated();
      if (auth.kind === "token") assertScope(auth.scope, c.req.method);
      else if (auth.session.mfa_enrolment_required === 1) {
        throw new AppError("MFA_ENROLMENT_REQUIRED", "Set up two-factor authentication first.");
      }
      const teamId = c.req.param("teamId") ?? "";
      // A team token exists only for its own team.
      if (auth.kind === "token" && auth.team && auth.team.id !== teamId) throw notFound();
      const access = resolveTeamAccess(ctx!, {
        teamId,
        user: auth.user,
        session: auth.kind === "session" ? auth.session : undefined,
        action: name,
        ...(auth.kind === "token" && auth.team ? { maxRole: auth.team.role } : {}),
      });
      c.set("team", access);
    }
    await next();
  });
  return Object.assign(middleware, { [ACTION]: name });
}

/** Refuses to start when a route declares no action: a forgotten check must not mean "allowed". */
export function assertEveryRouteDeclaresAnAction(app: Hono<AppEnv>): void {
  const declared = new Set(app.routes.filter((r) => (r.handler as unknown as Record<symbol, unknown>)[ACTION]).map((r) => `${r.method} ${r.path}`));
  const missing = [...new Set(app.routes.filter((r) => r.method !== "ALL" && !declared.has(`${r.method} ${r.path}`)).map((r) => `${r.method} ${r.path}`))];
  if (missing.length > 0) throw new Error(`These routes declare no action (see src/services/authz.ts): ${missing.join(", ")}`);
}

/** The declared action of each route (for the authorization matrix test and the docs). */
export function routeActions(app: Hono<AppEnv>): Map<string, RouteAction> {
  const out = new Map<string, RouteAction>();
  for (const r of app.routes) {
    const name = (r.handler as unknown as Record<symbol, RouteAction | undefined>)[ACTION];
    if (name) out.set(`${r.method} ${r.path}`, name);
  }
  return out;
}
