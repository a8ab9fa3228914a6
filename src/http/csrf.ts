import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import type { AppEnv } from "./app-env.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Browser requests that change state must come from Loupe's own pages: an Origin equal to the
 * public origin (or Sec-Fetch-Site: same-origin) and an X-Requested-With header (which a cross-site
 * form cannot send without a CORS preflight). Bearer-token requests carry no ambient credential and
 * are exempt. GET never changes state.
 */
export function csrfProtection(publicOrigin: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (SAFE.has(c.req.method) || c.req.header("Authorization") !== undefined) return next();
    const origin = c.req.header("Origin");
    const sameOrigin =
      origin !== undefined ? origin === publicOrigin : c.req.header("Sec-Fetch-Site") === "same-origin";
    if (!sameOrigin || c.req.header("X-Requested-With") === undefined) {
      throw new AppError(
        "CSRF_REJECTED",
        "This request must come from Loupe's own pages (Origin and X-Requested-With).",
      );
    }
    return next();
  });
}
