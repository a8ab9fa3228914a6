import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";

/** Baseline headers on every response, errors and 404s included. */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.delete("X-Powered-By");
  headers.delete("Server");
  const type = headers.get("Content-Type");
  if (type && /^(application\/json|text\/[a-z]+)$/i.test(type.trim()))
    headers.set("Content-Type", `${type}; charset=utf-8`);
  // Everything Loupe answers is dynamic or private unless a route says otherwise (static assets do).
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
});
