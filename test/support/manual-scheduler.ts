import type { Clock } from "../../src/lib/clock.ts";
import type { Scheduler } from "../../src/services/audit/audit-head.ts";

export type ManualScheduler = {
  schedule: Scheduler;
  /** Runs every task due by the clock's now; returns how many ran. */
  runDue(): number;
  /** Tasks scheduled and not yet run or cancelled. */
  pending(): number;
};

/** A scheduler whose tasks run only when the test says so, by the (fake) clock: no sleeping in tests. */
export function manualScheduler(clock: Clock): ManualScheduler {
  const tasks = new Set<{ at: number; run: () => void }>();
  return {
    schedule(run, delayMs) {
      const task = { at: clock.now() + delayMs, run };
      tasks.add(task);
      return () => void tasks.delete(task);
    },
    runDue() {
      const due = [...tasks].filter((t) => t.at <= clock.now()).sort((a, b) => a.at - b.at);
      for (const task of due) {
        tasks.delete(task);
        task.run();
      }
      return due.length;
    },
    pending: () => tasks.size,
  };
}
