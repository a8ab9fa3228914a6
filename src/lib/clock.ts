/** Time is injected everywhere so that timeouts and retention are testable with a fake clock. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };
