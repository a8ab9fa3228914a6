import { createMiddleware } from "hono/factory";
import { tooManyAttempts } from "../services/errors.ts";
import type { AppEnv } from "./app-env.ts";

/** Per-IP limit on the authentication routes (the address stays in memory, never stored or logged). */
export function ipRateLimit(limiter: IpLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const wait = limiter.take(c.env?.clientIp ?? "unknown");
    if (wait !== undefined) throw tooManyAttempts(wait);
    return next();
  });
}

/**
 * Per-IP limiter for the auth routes, in memory only (an IP is never stored): a token bucket of
 * `capacity` attempts refilled over `perMs`.
 */
export function createIpLimiter(options: { capacity: number; perMs: number; now: () => number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one attempt; returns the seconds to wait when none is left. */
    take(ip: string): number | undefined {
      const now = options.now();
      if (buckets.size > 100_000) buckets.clear();
      const bucket = buckets.get(ip) ?? { tokens: options.capacity, at: now };
      const refilled = Math.min(options.capacity, bucket.tokens + ((now - bucket.at) / options.perMs) * options.capacity);
      if (refilled < 1) {
        buckets.set(ip, { tokens: refilled, at: now });
        return ((1 - refilled) * options.perMs) / options.capacity / 1000;
      }
      buckets.set(ip, { tokens: refilled - 1, at: now });
      return undefined;
    },
  };
}
export type IpLimiter = ReturnType<typeof createIpLimiter>;
