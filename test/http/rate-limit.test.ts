// Invariant: the request-rate limiter's buckets hold `capacity` requests and refill continuously;
// a refusal names the exact wait; memory is bounded by evicting the least recently used key, one at a time.
import { expect, test } from "bun:test";
import { createRateLimiter, createRequestLimiter, limiterKey, rateLimitHeaders } from "../../src/http/rate-limit.ts";
import { RATE_LIMIT_CLASSES, type RateLimitClass } from "../../src/shared/rate-limits.ts";

function limiter(capacity: number, maxKeys = 1000) {
  let now = 1_000_000;
  const l = createRateLimiter({ capacity, perMs: 60_000, maxKeys, now: () => now });
  return { l, advance: (ms: number) => (now += ms) };
}

test("a full bucket lets a burst of `capacity` through, then refuses with the wait until one request is back", () => {
  const { l } = limiter(10);
  const takes = Array.from({ length: 11 }, () => l.take("a"));
  expect(takes.slice(0, 10).every((t) => t.allowed)).toBe(true);
  expect(takes.map((t) => t.remaining).slice(0, 10)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
  const refused = takes[10]!;
  expect(refused.allowed).toBe(false);
  expect(refused.remaining).toBe(0);
  // 10 a minute: one every 6 s; the bucket is empty, so the next one is 6 s away and a full bucket 60 s.
  expect(refused.retryAfterSeconds).toBeCloseTo(6, 9);
  expect(refused.resetSeconds).toBeCloseTo(60, 9);
});

test("refill is continuous: after part of the interval the wait shrinks; after it, one more passes; never above capacity", () => {
  const { l, advance } = limiter(10);
  for (let i = 0; i < 10; i++) l.take("a");
  advance(4_000);
  const early = l.take("a");
  expect(early.allowed).toBe(false);
  expect(early.retryAfterSeconds).toBeCloseTo(2, 9);
  advance(2_000);
  expect(l.take("a").allowed).toBe(true);
  expect(l.take("a").allowed).toBe(false);
  // An hour idle fills it to capacity, not beyond.
  advance(3_600_000);
  const burst = Array.from({ length: 12 }, () => l.take("a").allowed);
  expect(burst.filter(Boolean)).toHaveLength(10);
});

test("a clock that steps back does not mint requests", () => {
  const { l, advance } = limiter(2);
  l.take("a");
  l.take("a");
  advance(-30_000);
  expect(l.take("a").allowed).toBe(false);
});

test("keys are independent", () => {
  const { l } = limiter(1);
  expect(l.take("a").allowed).toBe(true);
  expect(l.take("a").allowed).toBe(false);
  expect(l.take("b").allowed).toBe(true);
});

test("bounded: the least recently used key is evicted, one at a time, and a touch makes a key recent", () => {
  const { l } = limiter(1, 3);
  l.take("a");
  l.take("b");
  l.take("c");
  expect(l.keys()).toEqual(["a", "b", "c"]);
  l.take("a"); // a is now the most recent
  expect(l.keys()).toEqual(["b", "c", "a"]);
  l.take("d"); // evicts b only
  expect(l.keys()).toEqual(["c", "a", "d"]);
  expect(l.size).toBe(3);
  // a kept its state (refused); b was forgotten (a full bucket again).
  expect(l.take("a").allowed).toBe(false);
  expect(l.take("b").allowed).toBe(true);
  expect(l.keys()).toEqual(["d", "a", "b"]);
});

test("a flood of 100,000 distinct keys never holds more than the bound, and the most recent survive", () => {
  const { l, advance } = limiter(5, 1000);
  for (let i = 0; i < 100_000; i++) {
    advance(1);
    l.take(`203.0.${i >> 8}.${i & 255}`);
    expect(l.size).toBeLessThanOrEqual(1000);
  }
  expect(l.size).toBe(1000);
  const keys = l.keys();
  expect(keys[0]).toBe(`203.0.${99_000 >> 8}.${99_000 & 255}`);
  expect(keys.at(-1)).toBe(`203.0.${99_999 >> 8}.${99_999 & 255}`);
  expect(new Set(keys).size).toBe(1000);
});

test("limiterKey: IPv4 as is, IPv4-mapped as IPv4, IPv6 by its /64", () => {
  expect(limiterKey("203.0.113.7")).toBe("203.0.113.7");
  expect(limiterKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
  expect(limiterKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
  expect(limiterKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
  expect(limiterKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
});

test("headers: the draft's structured fields, the class as the policy name", () => {
  const { l } = limiter(10);
  for (let i = 0; i < 4; i++) l.take("a");
  expect(rateLimitHeaders("sign-in", 10, l.take("a"))).toEqual({
    policy: '"sign-in";q=10;w=60',
    state: '"sign-in";r=5;t=30',
  });
});

test("the request limiter: one store per class, each with its own quota and bound; refusals counted per class", () => {
  const perMinute = Object.fromEntries(Object.keys(RATE_LIMIT_CLASSES).map((cls) => [cls, 2])) as Record<
    RateLimitClass,
    number
  >;
  const limits = createRequestLimiter({ perMinute: { ...perMinute, mfa: 1 }, maxKeys: 1000 }, () => 0);
  expect([1, 2, 3].map(() => limits.take("sign-in", "k").allowed)).toEqual([true, true, false]);
  expect([1, 2].map(() => limits.take("mfa", "k").allowed)).toEqual([true, false]);
  expect(limits.take("api", "k").allowed).toBe(true);
  const stats = limits.stats();
  expect(stats["sign-in"]).toEqual({ keys: 1, refused: 1 });
  expect(stats.mfa).toEqual({ keys: 1, refused: 1 });
  expect(stats.api).toEqual({ keys: 1, refused: 0 });
  expect(stats.events).toEqual({ keys: 0, refused: 0 });
});
