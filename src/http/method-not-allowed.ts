import type { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { TrieRouter } from "hono/router/trie-router";
import { AppError } from "../lib/app-error.ts";
import type { AppEnv } from "./app-env.ts";

/** Methods never served, whatever the path (T-H2): TRACE would echo the request, CONNECT is a proxy's. */
const NEVER = new Set(["TRACE", "TRACK", "CONNECT"]);

export type MethodsOf = (path: string) => string[];

/**
 * The methods each path of `app` answers, from its own route table (middleware, registered for every
 * method, is not a route). GET brings HEAD (Hono answers HEAD from the GET route without a body),
 * except on the route patterns in `noHead`. Built on first use: routes are added after the middleware.
 */
export function routeMethods(app: Hono<AppEnv>, noHead: readonly string[] = []): MethodsOf {
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
  return (path) => {
    table ??= build();
    const { router } = table;
    const allowed = table.methods.filter((method) => router.match(method, path)[0].length > 0);
    const headless = router.match("GET", path)[0].some(([pattern]) => noHead.includes(pattern));
    if (allowed.includes("GET") && !headless) allowed.push("HEAD");
    return allowed.sort();
  };
}

/**
 * 405 problem+json with `Allow` for a method the path does not answer (Hono would say 404), decided
 * before any other middleware runs: no session lookup, no CSRF check, no body read for a request no
 * route takes. TRACE, TRACK and CONNECT are 405 on every path. Unknown paths stay 404.
 */
export function methodNotAllowed(methodsOf: MethodsOf) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const method = c.req.method.toUpperCase();
    const allowed = methodsOf(c.req.path);
    if (!NEVER.has(method) && (allowed.length === 0 || allowed.includes(method))) return next();
    throw new AppError("METHOD_NOT_ALLOWED", undefined, { headers: { Allow: allowed.join(", ") } });
  });
}
