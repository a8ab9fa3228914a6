import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { tooManyAttempts } from "../services/errors.ts";
import { RATE_LIMIT_CLASSES, type RateLimitClass } from "../shared/rate-limits.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * The one request-rate limiter (SECURITY.md T-AU3 per-IP part, T-W4, T-H3): a token bucket per route
 * class and key, in memory only. It sits in front of — never instead of — the database-backed failure
 * throttles of sign-in and MFA (services/accounts/throttle.ts). Keys may hold an address or an
 * account id: they are never stored, logged or sent.
 */
export { RATE_LIMIT_CLASSES, type RateLimitClass };

/** Requests per minute per class (each bucket holds that many: the burst), and the keys each class keeps. */
export type RateLimitSettings = Readonly<{ perMinute: Readonly<Record<RateLimitClass, number>>; maxKeys: number }>;

/** The answer of one take: whether it may pass, what is left, and the waits the headers report. */
export type Take = {
  allowed: boolean;
  /** Whole requests left in the bucket after this one. */
  remaining: number;
  /** Seconds until the next request would be allowed (0 while some are left). */
  retryAfterSeconds: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
};

const NONE = -1;

/**
 * A token bucket per key: `capacity` requests, refilled continuously over `perMs`. At most `maxKeys`
 * buckets, kept in a doubly linked list from most to least recently used (slots in typed arrays, a
 * Map from key to slot): a touch moves a bucket to the front and a new key past the bound takes the
 * last one's slot, both in O(1). (A Map's own insertion order is not enough: in Bun, finding its
 * first key after many deletes walks the holes they leave.)
 */
export function createRateLimiter(options: { capacity: number; perMs: number; maxKeys: number; now: () => number }) {
  const { capacity, perMs, maxKeys, now } = options;
  const msPerToken = perMs / capacity;
  const slots = new Map<string, number>();
  const keys: string[] = [];
  let tokens = new Float64Array(0);
  let at = new Float64Array(0);
  let prev = new Int32Array(0);
  let next = new Int32Array(0);
  let head = NONE;
  let tail = NONE;
  let used = 0;

  // Storage grows by doubling up to the bound, so an idle limiter costs little.
  function grow(): void {
    const size = Math.min(maxKeys, Math.max(1024, tokens.length * 2));
    const copy = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    tokens = copy(tokens, new Float64Array(size));
    at = copy(at, new Float64Array(size));
    prev = copy(prev, new Int32Array(size));
    next = copy(next, new Int32Array(size));
  }
  function unlink(slot: number): void {
    const p = prev[slot]!;
    const n = next[slot]!;
    if (p === NONE) head = n;
    else next[p] = n;
    if (n === NONE) tail = p;
    else prev[n] = p;
  }
  function pushFront(slot: number): void {
    prev[slot] = NONE;
    next[slot] = head;
    if (head !== NONE) prev[head] = slot;
    head = slot;
    if (tail === NONE) tail = slot;
  }
  /** A slot for a new key: a free one, or the least recently used key's. */
  function claim(key: string, time: number): number {
    let slot: number;
    if (used < maxKeys) {
      if (used === tokens.length) grow();
      slot = used++;
    } else {
      slot = tail;
      unlink(slot);
      slots.delete(keys[slot]!);
    }
    keys[slot] = key;
    tokens[slot] = capacity;
    at[slot] = time;
    slots.set(key, slot);
    pushFront(slot);
    return slot;
  }

  return {
    /** Takes one request for `key`. */
    take(key: string): Take {
      const time = now();
      let slot = slots.get(key);
      if (slot === undefined) slot = claim(key, time);
      else {
        if (slot !== head) {
          unlink(slot);
          pushFront(slot);
        }
        tokens[slot] = Math.min(capacity, tokens[slot]! + Math.max(0, time - at[slot]!) / msPerToken);
        at[slot] = time;
      }
      let left = tokens[slot]!;
      const allowed = left >= 1;
      if (allowed) tokens[slot] = left -= 1;
      return {
        allowed,
        remaining: Math.floor(left),
        retryAfterSeconds: allowed ? 0 : ((1 - left) * msPerToken) / 1000,
        resetSeconds: ((capacity - left) * msPerToken) / 1000,
      };
    },
    /** How many keys it holds now. */
    get size() {
      return slots.size;
    },
    /** The keys, least recently used first (for tests). */
    keys(): string[] {
      const out: string[] = [];
      for (let slot = tail; slot !== NONE; slot = prev[slot]!) out.push(keys[slot]!);
      return out;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;

/** One bucket store per route class, all per minute, with the configured bound on keys. */
export function createRequestLimiter(settings: RateLimitSettings, now: () => number) {
  const limiters = Object.fromEntries(
    (Object.keys(RATE_LIMIT_CLASSES) as RateLimitClass[]).map((cls) => [
      cls,
      createRateLimiter({ capacity: settings.perMinute[cls], perMs: 60_000, maxKeys: settings.maxKeys, now }),
    ]),
  ) as Record<RateLimitClass, RateLimiter>;
  const refused = Object.fromEntries(Object.keys(RATE_LIMIT_CLASSES).map((cls) => [cls, 0])) as Record<
    RateLimitClass,
    number
  >;
  return {
    take(cls: RateLimitClass, key: string): Take {
      const take = limiters[cls].take(key);
      if (!take.allowed) refused[cls]++;
      return take;
    },
    quota: (cls: RateLimitClass) => settings.perMinute[cls],
    /** Per class: the keys held now and the requests refused since start (for metrics). */
    stats: () =>
      Object.fromEntries(
        (Object.keys(RATE_LIMIT_CLASSES) as RateLimitClass[]).map((cls) => [
          cls,
          { keys: limiters[cls].size, refused: refused[cls] },
        ]),
      ) as Record<RateLimitClass, { keys: number; refused: number }>,
  };
}
export type RequestLimiter = ReturnType<typeof createRequestLimiter>;

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

/** The resolved client's limiter key (src/http/client-address.ts: trusted proxies only). */
export const addressKey = (c: { var: { clientAddress?: string | undefined } }) =>
  limiterKey(c.var.clientAddress ?? "unknown");

/**
 * The header values of one take (draft-ietf-httpapi-ratelimit-headers-11): the policy is the class's
 * quota per 60 s window; `r` the requests left, `t` the seconds until the bucket is full again.
 */
export function rateLimitHeaders(cls: RateLimitClass, quota: number, take: Take) {
  return {
    policy: `"${cls}";q=${quota};w=60`,
    state: `"${cls}";r=${take.remaining};t=${Math.ceil(take.resetSeconds)}`,
  };
}

/** Takes one request of `cls` for `key`: 429 (Retry-After, RateLimit-Policy, RateLimit) when none is left. */
async function charge(
  c: Context<AppEnv>,
  limiter: RequestLimiter,
  cls: RateLimitClass,
  key: string,
  next: () => Promise<void>,
): Promise<void> {
  const take = limiter.take(cls, key);
  const headers = rateLimitHeaders(cls, limiter.quota(cls), take);
  if (!take.allowed) {
    throw tooManyAttempts(take.retryAfterSeconds, { "RateLimit-Policy": headers.policy, RateLimit: headers.state });
  }
  await next();
  // Also on the route's own errors (Hono has answered them by now); several classes add up as a list.
  try {
    c.res.headers.append("RateLimit-Policy", headers.policy);
    c.res.headers.append("RateLimit", headers.state);
  } catch {
    // An immutable response (none of Loupe's) keeps its headers.
  }
}

/** Marks the middleware of a route that has its own class, so `limitRequests` does not charge it again. */
const ROUTE_CLASS = Symbol.for("loupe.rate-limit-class");

/**
 * A route's own class (sign-in, MFA, password reset, invitations, widget, SSE): keyed by the client
 * address unless `keyOf` says otherwise (an account, a widget key).
 */
export function rateLimit<E extends AppEnv>(
  limiter: RequestLimiter,
  cls: RateLimitClass,
  keyOf: (c: Context<E>) => string = addressKey as unknown as (c: Context<E>) => string,
): MiddlewareHandler<E> {
  const middleware = createMiddleware<E>(async (c, next) =>
    charge(c as unknown as Context<AppEnv>, limiter, cls, keyOf(c), next),
  );
  return Object.assign(middleware, { [ROUTE_CLASS]: cls });
}

/**
 * Every API request without a class of its own, after authentication: per account when signed in
 * (changing address does not help), per client address otherwise.
 */
export function limitRequests(limiter: RequestLimiter): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const own = matchedRoutes(c).some((r) => (r.handler as unknown as Record<symbol, unknown>)[ROUTE_CLASS]);
    if (own) return next();
    const auth = c.get("auth");
    if (auth === undefined) return charge(c, limiter, "api-anonymous", addressKey(c), next);
    return charge(c, limiter, "api", auth.kind === "session" ? auth.session.user_id : auth.user.id, next);
  });
}

/**
 * Requests that carry an API token, per client address, before the token is looked up: guessing
 * tokens, and a runaway script, are bounded before they cost a database read.
 */
export function limitApiTokens(limiter: RequestLimiter): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.header("Authorization") === undefined) return next();
    return charge(c, limiter, "api-tokens", addressKey(c), next);
  });
}

/** The classes a route declared (for the route-class inventory test and the docs). */
export function declaredRateLimitClasses(routes: { method: string; path: string; handler: unknown }[]) {
  const out = new Map<string, RateLimitClass[]>();
  for (const r of routes) {
    const cls = (r.handler as Record<symbol, RateLimitClass | undefined>)[ROUTE_CLASS];
    if (cls) out.set(`${r.method} ${r.path}`, [...(out.get(`${r.method} ${r.path}`) ?? []), cls]);
  }
  return out;
}
