import type { Context } from "hono";
import { routePath } from "hono/route";
import type { AppEnv } from "./app-env.ts";

/**
 * The pattern of the route that answered (never the raw path: no ids or personal data in a log line
 * or a metric label). After the chain, Hono's route index points at the last handler dispatched, the
 * one that answered; `routePath(c, -1)` would name the last route that *matched* (`/:itemId` for
 * `/search`). A 404 or 405 that only middleware saw is "unmatched".
 */
export function answeredRoute(c: Context<AppEnv>, status: number): string {
  let route = "";
  try {
    route = routePath(c);
  } catch {
    // No route matched at all.
  }
  // Only middleware answered (an unknown path, or a method no route has there): no route to name.
  return route === "" || ((status === 404 || status === 405) && route.endsWith("*")) ? "unmatched" : route;
}
