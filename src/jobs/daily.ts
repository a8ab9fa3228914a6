import { errorFields } from "../lib/logger.ts";
import type { ServiceContext } from "../services/context.ts";
import { runDailyRetention } from "../services/retention.ts";

const DAY = 86_400_000;

/** Runs the daily housekeeping once at start and then every 24 hours; returns the stop function. */
export function startDailyJobs(ctx: ServiceContext): () => void {
  const run = () => {
    try {
      runDailyRetention(ctx);
    } catch (error) {
      ctx.logger.error("retention.failed", errorFields(error));
    }
  };
  run();
  const timer = setInterval(run, DAY);
  timer.unref?.();
  return () => clearInterval(timer);
}
