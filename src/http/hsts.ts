import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";

/**
 * One year, for this host only. `includeSubDomains` is left to the operator (set it at the apex):
 * Loupe usually runs on one name of a domain it does not own the rest of, and cannot know that every
 * name below its own serves HTTPS; `preload` is a commitment only the domain's owner can make.
 */
export const HSTS_HEADER_VALUE = "max-age=31536000";

/**
 * Strict-Transport-Security on every response, errors included, when the public URL is https —
 * whether Loupe terminates TLS itself or a reverse proxy does. Never on the plain-HTTP redirect
 * listener: browsers ignore it there (RFC 6797 §8.1) and the redirect app does not use this.
 */
export const strictTransportSecurity = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  c.res.headers.set("Strict-Transport-Security", HSTS_HEADER_VALUE);
});
