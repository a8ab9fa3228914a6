import { hmacSha256 } from "../../lib/crypto.ts";
import { findThrottle, saveThrottle, type ThrottleRow } from "../../store/throttles.ts";
import type { ServiceContext } from "../context.ts";
import { tooManyAttempts } from "../errors.ts";

/**
 * Failed-attempt limits, persisted so a restart does not reset them (ASVS 2.2.1, NIST 800-63B):
 * at most `maxPerHour` failures per key in any 60 minutes (a sliding hour: each failure counts for
 * exactly an hour, so no boundary lets twice the limit through), plus a short exponential back-off
 * after `backoffAfter` consecutive failures. Keys are pseudonymous HMACs, never an email or an IP.
 */
export type ThrottlePolicy = { maxPerHour: number; backoffAfter: number; maxBackoffSeconds: number };

export const ACCOUNT_POLICY: ThrottlePolicy = { maxPerHour: 100, backoffAfter: 5, maxBackoffSeconds: 60 };
export const DEVICE_POLICY: ThrottlePolicy = { maxPerHour: 100, backoffAfter: 5, maxBackoffSeconds: 60 };
export const MFA_POLICY: ThrottlePolicy = { maxPerHour: 20, backoffAfter: 5, maxBackoffSeconds: 30 };

const HOUR = 3600_000;

/** A pseudonymous throttle key: an HMAC under a keyring-derived key, so the table holds no email. */
export function throttleKey(ctx: ServiceContext, kind: string, value: string): string {
  return `${kind}:${hmacSha256(ctx.keyring.field, `throttle:${kind}:${value}`).subarray(0, 16).toString("hex")}`;
}

/** The row as of `now`: only the failures of the last 60 minutes count. */
function current(row: ThrottleRow | undefined, key: string, now: number): ThrottleRow {
  const failureLog = (row?.failureLog ?? []).filter((at) => at > now - HOUR);
  return {
    key,
    window_start: failureLog[0] ?? now,
    failures: failureLog.length,
    consecutive: row?.consecutive ?? 0,
    blocked_until: row?.blocked_until ?? 0,
    failureLog,
  };
}

/** Seconds until `pending` more attempts fit under the cap: until enough of the oldest failures are an hour old. */
function secondsUntilFree(row: ThrottleRow, pending: number, policy: ThrottlePolicy, now: number): number {
  const leaving = row.failureLog[Math.max(0, row.failures + pending - policy.maxPerHour)];
  return leaving === undefined ? 1 : (leaving + HOUR - now) / 1000;
}

/** Throws 429 (with Retry-After) when the key may not try now; nothing is verified then. */
export function assertNotThrottled(ctx: ServiceContext, key: string, policy: ThrottlePolicy): void {
  const now = ctx.clock.now();
  const row = current(findThrottle(ctx.db, key), key, now);
  if (row.failures >= policy.maxPerHour) throw tooManyAttempts(secondsUntilFree(row, 0, policy, now));
  if (row.blocked_until > now) throw tooManyAttempts((row.blocked_until - now) / 1000);
}

export function isThrottled(ctx: ServiceContext, key: string, policy: ThrottlePolicy): boolean {
  try {
    assertNotThrottled(ctx, key, policy);
    return false;
  } catch {
    return true;
  }
}

/** Attempts being checked right now, per key (Loupe is one process: memory is the right place). */
const inFlight = new WeakMap<object, Map<string, number>>();

/**
 * Takes one attempt of the hourly allowance before the (slow) check runs: attempts still being
 * verified count against the cap, so parallel requests cannot all pass it. Throws 429 when none is
 * left or the back-off is running; otherwise returns the function that ends the attempt (always call
 * it, then record the outcome).
 */
export function reserveAttempt(ctx: ServiceContext, key: string, policy: ThrottlePolicy): () => void {
  const now = ctx.clock.now();
  let running = inFlight.get(ctx.db);
  if (!running) {
    running = new Map();
    inFlight.set(ctx.db, running);
  }
  const row = current(findThrottle(ctx.db, key), key, now);
  const pending = running.get(key) ?? 0;
  if (row.failures + pending >= policy.maxPerHour) throw tooManyAttempts(secondsUntilFree(row, pending, policy, now));
  if (row.blocked_until > now) throw tooManyAttempts((row.blocked_until - now) / 1000);
  running.set(key, pending + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    const left = (running.get(key) ?? 1) - 1;
    if (left > 0) running.set(key, left);
    else running.delete(key);
  };
}

/** A failed check: counts for the next 60 minutes and extends the back-off. */
export function recordFailure(ctx: ServiceContext, key: string, policy: ThrottlePolicy): void {
  const now = ctx.clock.now();
  ctx.db.write(() => {
    const row = current(findThrottle(ctx.db, key), key, now);
    const consecutive = row.consecutive + 1;
    const backoff =
      consecutive >= policy.backoffAfter
        ? Math.min(2 ** (consecutive - policy.backoffAfter), policy.maxBackoffSeconds) * 1000
        : 0;
    // The newest `maxPerHour` are enough: older ones leave the hour first, so the count and its end are the same.
    const failureLog = [...row.failureLog, now].slice(-policy.maxPerHour);
    saveThrottle(ctx.db, {
      key,
      window_start: failureLog[0]!,
      failures: failureLog.length,
      consecutive,
      blocked_until: backoff ? now + backoff : 0,
      failureLog,
    });
  });
}

/** A successful check: the back-off resets (failures still count against the hour). */
export function recordSuccess(ctx: ServiceContext, key: string): void {
  const now = ctx.clock.now();
  const row = findThrottle(ctx.db, key);
  if (!row || (row.consecutive === 0 && row.blocked_until === 0)) return;
  ctx.db.write(() => saveThrottle(ctx.db, { ...current(row, key, now), consecutive: 0, blocked_until: 0 }));
}
