import type { Clock } from "../../src/lib/clock.ts";

export type FakeClock = Clock & { advance(ms: number): void; set(ms: number): void };

/** A clock that only moves when the test says so. */
export function fakeClock(start = Date.UTC(2026, 0, 1)): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}
