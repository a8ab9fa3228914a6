import { createMiddleware } from "hono/factory";
import { resolveClient, type TrustedProxies } from "../lib/forwarded.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Resolves the client once per request into `clientAddress` / `clientProto`: the socket peer, or —
 * only when the peer is one of LOUPE_TRUSTED_PROXIES — the right-most untrusted hop its forwarding
 * headers name. The address is for rate limits only: never logged or stored.
 */
export function clientAddress(proxies: TrustedProxies) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const resolved = resolveClient({
      peer: c.env?.clientIp,
      proxies,
      ...(proxies.length > 0
        ? {
            forwarded: c.req.header("Forwarded"),
            xForwardedFor: c.req.header("X-Forwarded-For"),
            xForwardedProto: c.req.header("X-Forwarded-Proto"),
          }
        : {}),
    });
    c.set("clientAddress", resolved.address);
    c.set("clientProto", resolved.proto ?? (new URL(c.req.url).protocol === "https:" ? "https" : "http"));
    return next();
  });
}
