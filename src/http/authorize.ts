import type { Context, Hono, MiddlewareHandler } from "hono";
import { AppError } from "../lib/app-error.ts";
import { assertScope } from "../services/accounts/api-tokens.ts";
import { assertRecentAuth } from "../services/accounts/login.ts";
import { isTeamAction, type RouteAction, type TeamAction } from "../services/authz.ts";
import type { ServiceContext } from "../services/context.ts";
import { notFound, unauthenticated } from "../services/errors.ts";
import { resolveTeamAccess } from "../services/teams/access.ts";
import type { AppEnv, Auth, CallerEnv, SessionAuth, SessionEnv, TeamEnv } from "./app-env.ts";

/** Marks the middleware that declares a route's action, for the fail-closed start-up check. */
const ACTION = Symbol.for("loupe.route-action");

export type ActionOptions = {
  /** A sign-in (or re-authentication) within the last 5 minutes; browser sessions only. */
  recent?: true;
  /** `self` only: also a personal API token (its scope must allow the method). */
  tokens?: true;
  /** `self` only: also a session that still has to enrol in MFA (the enrolment routes themselves). */
  enrolmentPending?: true;
};

function declare<E extends object>(
  name: RouteAction,
  middleware: MiddlewareHandler<AppEnv & E>,
): MiddlewareHandler<AppEnv & E> {
  return Object.assign(middleware, { [ACTION]: name });
}

/**
 * Who may call at all: a browser session whose MFA enrolment is done (unless the route allows it
 * pending), or an API token whose scope allows the method; a team token only where `teamTokens`.
 * The one place that checks the enrolment gate and token scopes.
 */
function signedIn(
  auth: Auth | undefined,
  method: string,
  options: { enrolmentPending?: boolean; teamTokens?: boolean } = {},
): Auth {
  if (!auth) throw unauthenticated();
  if (auth.kind === "session") {
    if (auth.session.mfa_enrolment_required === 1 && !options.enrolmentPending)
      throw new AppError("MFA_ENROLMENT_REQUIRED");
    return auth;
  }
  if (auth.team && !options.teamTokens)
    throw new AppError("TOKEN_NOT_ALLOWED", "A team token works only on its team's routes.");
  assertScope(auth.scope, method);
  return auth;
}

/** The signed-in browser session: any API token is refused (before its scope is looked at). */
function sessionCaller(auth: Auth | undefined, method: string, enrolmentPending = false): SessionAuth {
  if (auth?.kind === "token") throw new AppError("TOKEN_NOT_ALLOWED");
  const caller = signedIn(auth, method, { enrolmentPending });
  if (caller.kind !== "session") throw new AppError("TOKEN_NOT_ALLOWED");
  return caller;
}

/**
 * The route actions, bound to the service context. `action(name, options)` declares what a route does
 * and enforces all of it before the handler runs:
 * - `public`: anyone;
 * - `self`: a signed-in browser session (`tokens`: or a personal API token; `enrolmentPending`: before
 *   MFA enrolment too; `recent`: re-authenticated within 5 minutes) — sets `c.var.caller`;
 * - `instance.admin`: an instance admin's browser session (`recent` as above) — sets `c.var.caller`;
 * - a team action of src/services/authz.ts: the caller's live membership of `:teamId` (404 when
 *   none), the team's policy, and the role (403) — sets `c.var.caller` and `c.var.team`.
 * The handler's context type has `caller` and `team` exactly where the action sets them.
 */
export function routeActions(ctx: ServiceContext) {
  function action(name: "public"): MiddlewareHandler<AppEnv>;
  function action(name: "self", options: ActionOptions & { tokens: true }): MiddlewareHandler<AppEnv & CallerEnv>;
  function action(name: "self" | "instance.admin", options?: ActionOptions): MiddlewareHandler<AppEnv & SessionEnv>;
  function action(name: TeamAction, options?: Pick<ActionOptions, "recent">): MiddlewareHandler<AppEnv & TeamEnv>;
  function action(name: RouteAction, options: ActionOptions = {}): MiddlewareHandler {
    if (name === "public") return publicAction;
    if (name === "self" || name === "instance.admin") {
      return declare<CallerEnv>(name, async (c, next) => {
        const auth = c.get("auth");
        const caller =
          name === "self" && options.tokens
            ? signedIn(auth, c.req.method, options)
            : sessionCaller(auth, c.req.method, options.enrolmentPending);
        if (name === "instance.admin" && caller.user.is_instance_admin !== 1)
          throw new AppError("FORBIDDEN", "Only an instance admin may do this.");
        if (options.recent)
          assertRecentAuth(ctx, sessionCaller(caller, c.req.method, options.enrolmentPending).session);
        c.set("caller", caller);
        await next();
      });
    }
    if (!isTeamAction(name)) throw new Error(`unknown route action ${name}`);
    return declare<TeamEnv>(name, async (c, next) => {
      const auth = signedIn(c.get("auth"), c.req.method, { teamTokens: true });
      const teamId = c.req.param("teamId") ?? "";
      // A team token exists only for its own team.
      if (auth.kind === "token" && auth.team && auth.team.id !== teamId) throw notFound();
      const access = resolveTeamAccess(ctx, {
        teamId,
        user: auth.user,
        session: auth.kind === "session" ? auth.session : undefined,
        action: name,
        ...(auth.kind === "token" && auth.team ? { maxRole: auth.team.role } : {}),
      });
      // Re-authentication is checked after membership, so outsiders still get 404.
      if (options.recent) assertRecentAuth(ctx, sessionCaller(auth, c.req.method).session);
      c.set("caller", auth);
      c.set("team", access);
      await next();
    });
  }
  return action;
}

/** `public`: anyone, signed in or not. */
export const publicAction: MiddlewareHandler<AppEnv> = declare<object>("public", async (_c, next) => {
  await next();
});

/**
 * Re-authentication within the last 5 minutes, for the few routes where it depends on the request
 * (changing the email, ending another session, starting MFA enrolment on an enrolled account).
 */
export function requireRecentAuth<E extends AppEnv>(ctx: ServiceContext, c: Context<E>): SessionAuth {
  const auth = sessionCaller(c.get("auth") as Auth | undefined, c.req.method, true);
  assertRecentAuth(ctx, auth.session);
  return auth;
}

/** Refuses to start when a route declares no action: a forgotten check must not mean "allowed". */
export function assertEveryRouteDeclaresAnAction(app: Hono<AppEnv>): void {
  const declared = new Set(
    app.routes
      .filter((r) => (r.handler as unknown as Record<symbol, unknown>)[ACTION])
      .map((r) => `${r.method} ${r.path}`),
  );
  const missing = [
    ...new Set(
      app.routes
        .filter((r) => r.method !== "ALL" && !declared.has(`${r.method} ${r.path}`))
        .map((r) => `${r.method} ${r.path}`),
    ),
  ];
  if (missing.length > 0)
    throw new Error(`These routes declare no action (see src/services/authz.ts): ${missing.join(", ")}`);
}

/** The declared action of each route (for the authorization matrix test and the docs). */
export function declaredActions(app: Hono<AppEnv>): Map<string, RouteAction> {
  const out = new Map<string, RouteAction>();
  for (const r of app.routes) {
    const name = (r.handler as unknown as Record<symbol, RouteAction | undefined>)[ACTION];
    if (name) out.set(`${r.method} ${r.path}`, name);
  }
  return out;
}
