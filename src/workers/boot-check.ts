import { type AppDeps, createApp, serviceContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { AppError } from "../lib/app-error.ts";
import { systemClock } from "../lib/clock.ts";
import { createLogger } from "../lib/logger.ts";
import { createPasswordHasher } from "../lib/password.ts";
import { listAudit } from "../services/audit/audit.ts";
import type { BootCheck, BootOnCopy } from "../services/backup/archive.ts";
import { migrate } from "../store/migrate.ts";
import { bundledMigrations } from "../store/migration-files.ts";
import { VERSION } from "../version.ts";

const bootFailed = (message: string, cause?: unknown) =>
  new AppError("BACKUP_BOOT_FAILED", message, cause === undefined ? undefined : { cause });

/**
 * The last step of a restore drill (T-B3): boot the real app on the restored copy and fetch a record
 * the backup recorded. The app is built as main.ts builds it (createApp over the copy's connection
 * and the keyring unwrapped from the backup), this Loupe's migrations are applied to the copy as a
 * restore would apply them (normally none: the copy has them all), `GET /readyz` must answer "ready",
 * and the manifest's known record (the snapshot's newest audit entry) must come back, the same, from
 * the service verb the audit routes read through. Runs in the backup worker, never on the serving
 * event loop; nothing here needs a signed-in session.
 */
export const bootOnCopy: BootOnCopy = async (input): Promise<BootCheck> => {
  const migrations = bundledMigrations();
  let migrated: string[];
  try {
    migrated = migrate(input.db, migrations);
  } catch (error) {
    throw bootFailed(
      `This Loupe's migrations do not apply to the restored copy (${error instanceof Error ? error.message : String(error)}).`,
      error,
    );
  }
  // The copy's own configuration: its data directory is the work directory; no key directory is read.
  const config = loadConfig({ LOUPE_DATA_DIR: input.workDir, LOUPE_KEY_DIR: `${input.workDir}.no-keys` });
  const deps: AppDeps = {
    config,
    logger: createLogger({ level: "error" }),
    clock: systemClock,
    db: input.db,
    keyring: input.keyring,
    migrations,
    version: VERSION,
    passwords: createPasswordHasher(),
    mailer: undefined,
  };
  const app = createApp(deps);
  const ready = await app.request("/readyz");
  const body = (await ready.json().catch(() => ({}))) as { status?: string; detail?: string; reason?: string };
  if (ready.status !== 200 || body.status !== "ready") {
    throw bootFailed(
      `The app booted on the restored copy is not ready: /readyz answers ${ready.status} ${body.detail ?? body.reason ?? body.status ?? ""}`.trimEnd() +
        ".",
    );
  }
  const known = input.knownRecord;
  if (!known) return { readyz: "ready", knownRecord: null, migrated };
  const label = `audit entry ${known.seq} (${known.action})`;
  const [found] = listAudit(serviceContext(deps), { beforeSeq: known.seq + 1, limit: 1 });
  if (!found || found.seq !== known.seq || found.at !== known.at || found.action !== known.action) {
    throw bootFailed(
      `The app booted on the restored copy does not find the record the backup recorded: ${label}, taken ${known.at}.`,
    );
  }
  return { readyz: "ready", knownRecord: label, migrated };
};
