import { createMiddleware } from "hono/factory";
import { tooManyAttempts } from "../services/errors.ts";
import type { AppEnv } from "./app-env.ts";

/** Per-client limit on the authentication routes, keyed on the resolved client address (in memory only, never stored or logged). */
export function ipRateLimit(limiter: IpLimiter) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const wait = limiter.take(c.get("clientAddress") ?? "unknown");
    if (wait !== undefined) throw tooManyAttempts(wait);
    return next();
  });
}

/**
 * The limiter key of an address: an IPv4 address as is, an IPv6 address by its /64 (one host
 * usually holds a whole /64, so per-address keys would be free to rotate).
 */
export function limiterKey(address: string): string {
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * A token bucket per key, in memory only: `capacity` attempts refilled over `perMs`. Keys may hold an
 * address: they are never stored or logged.
 */
export function createRateLimiter(options: { capacity: number; perMs: number; now: () => number }) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes one attempt; returns the seconds to wait when none is left. */
    take(ip: string): number | undefined {
      const now = options.now();
      // Bounded memory: drop the oldest buckets (Map keeps insertion order), never all of them.
      if (buckets.size >= 100_000) for (const key of [...buckets.keys()].slice(0, 10_000)) buckets.delete(key);
      const bucket = buckets.get(ip) ?? { tokens: options.capacity, at: now };
      const refilled = Math.min(
        options.capacity,
        bucket.tokens + ((now - bucket.at) / options.perMs) * options.capacity,
      );
      if (refilled < 1) {
        buckets.set(ip, { tokens: refilled, at: now });
        return ((1 - refilled) * options.perMs) / options.capacity / 1000;
      }
      buckets.delete(ip);
      buckets.set(ip, { tokens: refilled - 1, at: now });
      return undefined;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** The per-IP limiter of the auth routes: one bucket per client address (IPv6 by its /64). */
export function createIpLimiter(options: { capacity: number; perMs: number; now: () => number }) {
  const limiter = createRateLimiter(options);
  return { take: (address: string) => limiter.take(limiterKey(address)) };
}
export type IpLimiter = ReturnType<typeof createIpLimiter>;
