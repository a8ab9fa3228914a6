import { Cron } from "croner";
import { errorFields, type Logger } from "../lib/logger.ts";
import type { BackupManager } from "../services/backup/manager.ts";

/**
 * The daily backup at LOUPE_BACKUP_TIME (server time), scheduled with croner, and a catch-up backup a
 * minute after start when the newest one is older than a day. A backup already running elsewhere (`loupe backup now`)
 * is not an error here: the scheduled run is skipped with a notice. Returns the stop function.
 */
export const CATCH_UP_DELAY_MS = 60_000;

export function startBackupSchedule(manager: BackupManager, logger: Logger): () => void {
  const { hour, minute } = manager.settings;
  const run = (trigger: "scheduled" | "catch-up") => {
    manager.backupNow(trigger).catch((error: unknown) => {
      const code = (error as { code?: unknown }).code;
      if (code === "BACKUP_RUNNING") logger.info("backup.skipped", { code });
      else if (code !== "BACKUP_FAILED") logger.error("backup.not_started", errorFields(error));
    });
  };
  const job = new Cron(`${minute} ${hour} * * *`, { unref: true, protect: true, name: "loupe-backup" }, () =>
    run("scheduled"),
  );
  // The catch-up waits a minute: start-up, migrations and the first probes go first.
  const catchUp = setTimeout(() => {
    if (manager.needsCatchUp()) run("catch-up");
  }, CATCH_UP_DELAY_MS);
  catchUp.unref?.();
  return () => {
    clearTimeout(catchUp);
    job.stop();
  };
}
