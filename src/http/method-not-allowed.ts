import type { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { TrieRouter } from "hono/router/trie-router";
import { AppError } from "../lib/app-error.ts";
import type { AppEnv } from "./app-env.ts";

/** Methods never served, whatever the path (T-H2): TRACE would echo the request, CONNECT is a proxy's. */
const NEVER = new Set(["TRACE", "TRACK", "CONNECT"]);

export type RouteMethods = {
  /** Whether a route answers `method` at `path` (HEAD: where GET does, but on the `noHead` routes). */
  answers(method: string, path: string): boolean;
  /** Every method some route answers at `path`, sorted (empty: no route has this path). */
  allowed(path: string): string[];
};

/**
 * The methods each path of `app` answers, from its own route table (middleware, registered for every
 * method, is not a route). GET brings HEAD (Hono answers HEAD from the GET route without a body),
 * except on the route patterns in `noHead`. Built on first use: routes are added after the middleware.
 */
export function routeMethods(app: Hono<AppEnv>, noHead: readonly string[] = []): RouteMethods {
  let table: { router: TrieRouter<string>; methods: string[] } | undefined;
  const build = () => {
    const router = new TrieRouter<string>();
    const methods = new Set<string>();
    for (const route of app.routes) {
      if (route.method === "ALL") continue;
      router.add(route.method, route.path, route.path);
      methods.add(route.method);
    }
    return { router, methods: [...methods] };
  };
  const patterns = (method: string, path: string) => {
    table ??= build();
    return table.router.match(method, path)[0].map(([pattern]) => pattern);
  };
  const answers = (method: string, path: string) => {
    if (method !== "HEAD") return patterns(method, path).length > 0;
    const get = patterns("GET", path);
    return get.length > 0 && !get.some((pattern) => noHead.includes(pattern));
  };
  return {
    answers,
    allowed(path) {
      table ??= build();
      const allowed = table.methods.filter((method) => patterns(method, path).length > 0);
      if (answers("HEAD", path)) allowed.push("HEAD");
      return allowed.sort();
    },
  };
}

/**
 * 405 problem+json with `Allow` for a method the path does not answer (Hono would say 404), decided
 * before any other middleware runs: no session lookup, no CSRF check, no body read for a request no
 * route takes. TRACE, TRACK and CONNECT are 405 on every path. Unknown paths stay 404. A request a
 * route answers costs one lookup in the route table; only a refusal looks up the others.
 */
export function methodNotAllowed(routes: RouteMethods) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method.toUpperCase();
    const path = c.req.path;
    if (!NEVER.has(method) && routes.answers(method, path)) return next();
    const allowed = routes.allowed(path);
    if (!NEVER.has(method) && allowed.length === 0) return next();
    throw new AppError("METHOD_NOT_ALLOWED", undefined, { headers: { Allow: allowed.join(", ") } });
  });
}
