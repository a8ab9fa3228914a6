import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync } from "node:fs";
import { copyFile, open, rename } from "node:fs/promises";
import { join } from "node:path";
import { AppError } from "../../lib/app-error.ts";
import { randomId } from "../../lib/crypto.ts";
import { writeFileAtomicAsync } from "../../lib/fs-atomic.ts";
import { errorFields, type LogFields } from "../../lib/logger.ts";
import { ERROR_CODES, type ErrorCode } from "../../shared/errors.ts";
import { databaseKeyText } from "../../store/keyring.ts";
import { acquireLock } from "../../store/lock.ts";
import { knownMasterKeys } from "../../store/retired-keys.ts";
import { listUsers } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import type { BackupFaults } from "./archive.ts";
import {
  BACKUP_LOCK_FILE,
  backupFileName,
  backupTime,
  ENTRY,
  FREE_SPACE_FACTOR,
  type Manifest,
  SNAPSHOT_PREFIX,
  sidecarName,
  WORK_PREFIX,
} from "./format.ts";
import { ensureBackupIdentity, readBackupIdentity } from "./identity.ts";
import { backupsIn, expireDirectory, rotateDirectory } from "./rotation.ts";
import { checkInWorker, createInWorker } from "./run-in-worker.ts";

/**
 * Backups of one data directory: take one (snapshot → age file), drill it (decrypt → check), rotate,
 * mirror; list, verify and hand them out. Single-flight across processes through `backup.lock` in the
 * data directory. The result of the last attempt is kept in `status.json` beside the backups, so a
 * backup run by `loupe backup now` shows in the server's /readyz too.
 */
export type BackupSettings = {
  dataDir: string;
  keyDir: string;
  backupDir: string;
  mirrorDir: string | undefined;
  /** The daily backup's time (server time). */
  hour: number;
  minute: number;
  /** Operator recipients (age1…), besides Loupe's own backup identity. */
  recipients: string[];
  /** The current master key (bytes) and its id. */
  masterKey: { key: Buffer; id: string };
  busyTimeoutMs: number;
  version: string;
  knownMigrations: string[];
  /** Free bytes on the volume holding `dir` (tests inject a full disk). */
  freeSpace?: (dir: string) => number;
  /** Failures injected into the worker's backup (tests only; see BackupFaults). */
  faults?: BackupFaults;
};

export type DrillResult = {
  ok: boolean;
  at: string;
  durationMs: number;
  code?: string;
  reason?: string;
  auditEntries?: number;
  /** The app booted on the restored copy: /readyz answered ready and the backup's known record came back. */
  boot?: { readyz: "ready"; knownRecord: string | null };
};

export type BackupRecord = {
  name: string;
  createdAt: string;
  bytes: number;
  trigger: string;
  schemaVersion: string;
  loupeVersion: string;
  rowCount: number;
  drill: DrillResult | null;
  mirror: { ok: boolean; reason?: string } | null;
};

export type BackupStatus = {
  ok: boolean;
  at: string;
  stage?: "backup" | "drill" | "verify";
  code?: string;
  reason?: string;
  name?: string;
  lastSuccessAt?: string;
  mirrorFailed?: boolean;
};

export type BackupJob = {
  id: string;
  kind: "backup" | "verify";
  state: "running" | "succeeded" | "failed";
  startedAt: string;
  finishedAt: string | null;
  backup: BackupRecord | null;
  target: string | null;
  drill: DrillResult | null;
  error: { code: string; message: string } | null;
};

/** What readiness and the health page read: the last attempt's outcome and the last good backup's time. */
export type BackupHealth = {
  failed: boolean;
  mirrorFailed: boolean;
  code?: string;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
};

const STATUS_FILE = "status.json";

/** An AppError from a recorded code (a known one, else BACKUP_FAILED). */
export function backupError(code: string | undefined, message: string | undefined): AppError {
  return new AppError(code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : "BACKUP_FAILED", message);
}
const NAME = /^loupe-\d{8}T\d{6}Z(?:-\d+)?\.age$/;
const fileSize = (path: string) => (existsSync(path) ? statSync(path).size : 0);

function defaultFreeSpace(dir: string): number {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
}

/** Bytes as people read them (GB with one decimal, MB below). */
export function humanBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.round(n / 1e3)} kB`;
}

export type BackupManager = ReturnType<typeof createBackupManager>;

export function createBackupManager(ctx: ServiceContext, settings: BackupSettings) {
  const { dataDir, backupDir } = settings;
  const freeSpace = settings.freeSpace ?? defaultFreeSpace;
  const jobs = new Map<string, BackupJob>();
  let statusCache: { mtimeMs: number; status: BackupStatus | undefined } | undefined;

  const readSidecar = (dir: string, name: string): BackupRecord | undefined => {
    try {
      return JSON.parse(readFileSync(join(dir, sidecarName(name)), "utf8")) as BackupRecord;
    } catch {
      return undefined;
    }
  };
  const writeSidecar = (dir: string, record: BackupRecord) =>
    writeFileAtomicAsync(join(dir, sidecarName(record.name)), JSON.stringify(record, null, 2) + "\n");

  function status(): BackupStatus | undefined {
    const path = join(backupDir, STATUS_FILE);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(path).mtimeMs;
    } catch {
      return undefined;
    }
    if (statusCache?.mtimeMs === mtimeMs) return statusCache.status;
    let parsed: BackupStatus | undefined;
    try {
      parsed = JSON.parse(readFileSync(path, "utf8")) as BackupStatus;
    } catch {
      parsed = undefined;
    }
    statusCache = { mtimeMs, status: parsed };
    return parsed;
  }

  /** Records the last attempt; a status that cannot be written is logged, never hides the attempt's own outcome. */
  async function writeStatus(next: BackupStatus): Promise<void> {
    try {
      await writeStatusFile(next);
    } catch (error) {
      ctx.logger.error("backup.status_failed", errorFields(error));
    }
  }

  async function writeStatusFile(next: BackupStatus): Promise<void> {
    const previous = status();
    const lastSuccessAt = next.ok ? next.at : previous?.lastSuccessAt;
    await writeFileAtomicAsync(
      join(backupDir, STATUS_FILE),
      JSON.stringify({ ...next, ...(lastSuccessAt ? { lastSuccessAt } : {}) }, null, 2) + "\n",
    );
  }

  /** Tells the operator: an error event, and mail to every instance admin when SMTP is configured. */
  function alert(subject: string, text: string, fields: LogFields): void {
    ctx.logger.error("backup.failed", fields);
    const mailer = ctx.mailer;
    if (!mailer) return;
    let admins: string[] = [];
    try {
      admins = listUsers(ctx.db)
        .filter((u) => u.is_instance_admin === 1 && u.disabled_at === null)
        .map((u) => u.email);
    } catch (error) {
      ctx.logger.error("backup.alert_failed", errorFields(error));
    }
    for (const to of admins) {
      mailer
        .send({ to, subject, text: `${text}\n\n${ctx.publicOrigin}/instance/backups\n` })
        .catch((error: unknown) => ctx.logger.error("backup.alert_failed", errorFields(error)));
    }
  }

  /** Takes the single-flight lock and checks free space; throws the refusal before anything starts. */
  function begin(command: string): () => void {
    mkdirSync(backupDir, { recursive: true, mode: 0o700 });
    const release = acquireLock(dataDir, command, BACKUP_LOCK_FILE);
    try {
      const dbPath = join(dataDir, ENTRY.database);
      const dbBytes = fileSize(dbPath) + fileSize(`${dbPath}-wal`);
      const free = freeSpace(dataDir);
      const needed = Math.ceil(dbBytes * FREE_SPACE_FACTOR);
      let refusal: string | undefined;
      if (free < needed) {
        refusal = `Not enough free space for a backup: the database takes ${humanBytes(dbBytes)}, a backup needs about ${humanBytes(needed)} free on the data volume (${FREE_SPACE_FACTOR}× the database) and ${humanBytes(free)} are free.`;
      } else if (statSync(backupDir).dev !== statSync(dataDir).dev) {
        // Backups on a volume of their own: the age file (about the database's size) goes there.
        const there = freeSpace(backupDir);
        const file = Math.ceil(dbBytes * 1.1);
        if (there < file)
          refusal = `Not enough free space for a backup: it takes about ${humanBytes(file)} in ${backupDir} and ${humanBytes(there)} are free.`;
      }
      if (refusal) throw new AppError("BACKUP_NO_SPACE", refusal);
      // Leftovers of a backup that was killed: never a final name, so they are only removed.
      for (const name of readdirSync(dataDir)) {
        if (name.startsWith(SNAPSHOT_PREFIX) || name.startsWith(WORK_PREFIX))
          rmSync(join(dataDir, name), { recursive: true, force: true });
      }
      for (const name of readdirSync(backupDir)) {
        if (name.endsWith(".tmp")) rmSync(join(backupDir, name), { force: true });
      }
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** A refusal for lack of space is told like a failed backup: the daily run would otherwise be skipped in silence. */
  async function refusedForSpace(error: unknown): Promise<void> {
    if (!(error instanceof AppError && error.code === "BACKUP_NO_SPACE")) return;
    await writeStatus({
      ok: false,
      at: new Date(ctx.clock.now()).toISOString(),
      stage: "backup",
      code: "BACKUP_NO_SPACE",
      reason: error.message,
    });
    alert("Loupe: no space for the backup", error.message, { state: "backup", code: "BACKUP_NO_SPACE" });
  }

  /**
   * A verification's outcome on the instance's state: a backup that fails it degrades /readyz and
   * alerts like a failed drill (a retained backup that no longer restores is the operator's business);
   * passing again clears only a failure of that same backup.
   */
  async function recordVerification(name: string, result: DrillResult): Promise<void> {
    const at = new Date(backupTime(name) ?? ctx.clock.now()).toISOString();
    if (!result.ok) {
      await writeStatus({
        ok: false,
        at,
        stage: "verify",
        name,
        code: result.code ?? "BACKUP_FAILED",
        reason: result.reason ?? "",
      });
      alert(
        "Loupe: a backup failed its verification",
        `The backup ${name} failed a restore drill run on demand: ${result.reason}`,
        { state: "verify", code: result.code ?? "BACKUP_FAILED" },
      );
      return;
    }
    const previous = status();
    if (previous && !previous.ok && previous.name === name && previous.stage !== "backup")
      await writeStatus({ ok: true, at, name });
  }

  async function masterKeysForDrill(): Promise<string[]> {
    return knownMasterKeys(settings.keyDir, settings.masterKey.key).map((k) => k.toString("base64"));
  }

  async function drill(dir: string, name: string): Promise<DrillResult> {
    const started = ctx.clock.now();
    try {
      const identity = await readBackupIdentity(settings.keyDir);
      const result = await checkInWorker({
        file: join(dir, name),
        identities: [identity.identity],
        masterKeys: await masterKeysForDrill(),
        workDir: join(dataDir, `${WORK_PREFIX}${randomId(9)}`),
        knownMigrations: settings.knownMigrations,
        keep: false,
      });
      return {
        ok: true,
        at: new Date(started).toISOString(),
        durationMs: Math.round(result.durationMs),
        auditEntries: result.auditEntries,
        boot: { readyz: result.boot.readyz, knownRecord: result.boot.knownRecord },
      };
    } catch (error) {
      return {
        ok: false,
        at: new Date(started).toISOString(),
        durationMs: 0,
        code: error instanceof AppError ? error.code : "BACKUP_FAILED",
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }

  async function mirror(record: BackupRecord): Promise<{ ok: boolean; reason?: string }> {
    const target = settings.mirrorDir;
    if (!target) return { ok: true };
    try {
      mkdirSync(target, { recursive: true, mode: 0o700 });
      const tmp = join(target, `${record.name}.tmp`);
      await copyFile(join(backupDir, record.name), tmp);
      const handle = await open(tmp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, join(target, record.name));
      const dirHandle = await open(target, "r");
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
      await writeSidecar(target, { ...record, mirror: { ok: true } });
      rotateDirectory(target, ctx.clock.now());
      return { ok: true };
    } catch (error) {
      const reason = `The mirror ${target} failed: ${error instanceof Error ? error.message : String(error)}`;
      alert("Loupe: the backup mirror failed", `${reason}\nThe local backup ${record.name} is fine.`, {
        ...errorFields(error),
        state: "mirror",
      });
      return { ok: false, reason };
    }
  }

  /**
   * The backup after `begin`: create, drill, mirror, rotate, record. A backup that could not be written
   * throws (recorded and alerted first); a drill or mirror failure is in the returned record.
   */
  async function run(release: () => void, trigger: string, actorId: string | null): Promise<BackupRecord> {
    const now = ctx.clock.now();
    let name = backupFileName(now);
    for (let n = 1; existsSync(join(backupDir, name)); n++) name = backupFileName(now, n);
    try {
      let manifest: Manifest;
      let bytes: number;
      try {
        const identity = await ensureBackupIdentity(settings.keyDir, now);
        // The pending audit head goes to its file first, so the backup's head is as new as can be.
        ctx.auditHead?.flush();
        const created = await createInWorker({
          dataDir,
          databaseKey: databaseKeyText(ctx.keyring),
          masterKeyId: settings.masterKey.id,
          target: join(backupDir, name),
          recipients: [identity.recipient, ...settings.recipients],
          loupeVersion: settings.version,
          createdAt: now,
          busyTimeoutMs: settings.busyTimeoutMs,
          ...(settings.faults ? { faults: settings.faults } : {}),
        });
        manifest = created.manifest;
        bytes = created.bytes;
        ctx.logger.info("backup.created", { durationMs: Math.round(created.totalMs) });
      } catch (error) {
        const code = error instanceof AppError ? error.code : "BACKUP_FAILED";
        const reason = error instanceof Error ? error.message : String(error);
        await writeStatus({ ok: false, at: new Date(now).toISOString(), stage: "backup", code, reason });
        alert("Loupe: the backup failed", `The backup failed: ${reason}`, { state: "backup", code });
        throw error;
      }
      const record: BackupRecord = {
        name,
        createdAt: new Date(now).toISOString(),
        bytes,
        trigger,
        schemaVersion: manifest.schemaVersion,
        loupeVersion: manifest.loupeVersion,
        rowCount: Object.values(manifest.rowCounts).reduce((a, b) => a + b, 0),
        drill: null,
        mirror: null,
      };
      await writeSidecar(backupDir, record);
      record.drill = await drill(backupDir, name);
      await writeSidecar(backupDir, record);
      if (!record.drill.ok) {
        // Thinning waits for a backup that passes; the 90-day limit does not (on the mirror neither).
        expireDirectory(backupDir, ctx.clock.now());
        if (settings.mirrorDir) {
          try {
            expireDirectory(settings.mirrorDir, ctx.clock.now());
          } catch (error) {
            ctx.logger.error("backup.mirror_expiry_failed", errorFields(error));
          }
        }
        await writeStatus({
          ok: false,
          at: record.createdAt,
          stage: "drill",
          name,
          code: record.drill.code ?? "BACKUP_FAILED",
          reason: record.drill.reason ?? "",
        });
        alert(
          "Loupe: a backup failed its restore drill",
          `The backup ${name} failed its restore drill: ${record.drill.reason}\nOlder backups are kept; rotation waits for a backup that passes.`,
          { state: "drill", code: record.drill.code ?? "BACKUP_FAILED" },
        );
        return record;
      }
      record.mirror = settings.mirrorDir ? await mirror(record) : null;
      await writeSidecar(backupDir, record);
      // Rotation only after a backup has passed its drill.
      const deleted = rotateDirectory(backupDir, ctx.clock.now());
      if (deleted.length > 0) ctx.logger.info("backup.rotated", { count: deleted.length });
      await writeStatus({
        ok: true,
        at: record.createdAt,
        name,
        ...(record.mirror && !record.mirror.ok ? { mirrorFailed: true } : {}),
      });
      try {
        appendAudit(ctx, { action: "backup.created", actorId, targetId: name, detail: { trigger, drill: "passed" } });
      } catch (error) {
        // The backup is good; a full or busy database must not turn it into a failure.
        ctx.logger.error("backup.audit_failed", errorFields(error));
      }
      return record;
    } finally {
      release();
    }
  }

  function newJob(kind: BackupJob["kind"], target: string | null): BackupJob {
    const job: BackupJob = {
      id: randomId(12),
      kind,
      state: "running",
      startedAt: new Date(ctx.clock.now()).toISOString(),
      finishedAt: null,
      backup: null,
      target,
      drill: null,
      error: null,
    };
    jobs.set(job.id, job);
    // The 20 newest jobs are remembered.
    for (const id of [...jobs.keys()].slice(0, Math.max(0, jobs.size - 20))) jobs.delete(id);
    return job;
  }

  const finish = (job: BackupJob, error?: unknown) => {
    job.finishedAt = new Date(ctx.clock.now()).toISOString();
    if (error !== undefined) {
      job.state = "failed";
      job.error = {
        code: error instanceof AppError ? error.code : "BACKUP_FAILED",
        message: error instanceof Error ? error.message : String(error),
      };
    }
  };

  function requireBackup(name: string): string {
    if (!NAME.test(name) || !existsSync(join(backupDir, name))) throw notFound("No such backup.");
    return join(backupDir, name);
  }

  return {
    settings,
    /** Runs a backup to the end (CLI, schedule); refusals (running, no space) throw at once. */
    async backupNow(trigger: string, actorId: string | null = null): Promise<BackupRecord> {
      let release: () => void;
      try {
        release = begin(`backup (${trigger})`);
      } catch (error) {
        await refusedForSpace(error);
        throw error;
      }
      return run(release, trigger, actorId);
    },

    /** Starts a backup as a job to poll (the API's 202); refusals throw before the job exists. */
    startBackupJob(actorId: string): BackupJob {
      let release: () => void;
      try {
        release = begin("backup (api)");
      } catch (error) {
        void refusedForSpace(error);
        throw error;
      }
      const job = newJob("backup", null);
      run(release, "api", actorId).then(
        (record) => {
          job.backup = record;
          job.drill = record.drill;
          if (record.drill?.ok) {
            job.state = "succeeded";
            finish(job);
          } else finish(job, backupError(record.drill?.code, record.drill?.reason));
        },
        (error: unknown) => finish(job, error),
      );
      return job;
    },

    /** Runs the drill on an existing backup, as a job; the sidecar records the new result. */
    startVerifyJob(name: string, actorId: string): BackupJob {
      requireBackup(name);
      const release = begin("backup verify (api)");
      const job = newJob("verify", name);
      drill(backupDir, name)
        .then(async (result) => {
          job.drill = result;
          const record = readSidecar(backupDir, name);
          if (record) await writeSidecar(backupDir, { ...record, drill: result });
          await recordVerification(name, result);
          if (result.ok) {
            job.state = "succeeded";
            finish(job);
          } else finish(job, backupError(result.code, result.reason));
          ctx.logger.info("backup.verified", { ok: result.ok, actorId });
        })
        .catch((error: unknown) => finish(job, error))
        .finally(release);
      return job;
    },

    job(id: string): BackupJob {
      const job = jobs.get(id);
      if (!job) throw notFound("No such job.");
      return job;
    },

    list(): BackupRecord[] {
      return backupsIn(backupDir)
        .reverse()
        .map(
          (b) =>
            readSidecar(backupDir, b.name) ?? {
              name: b.name,
              createdAt: new Date(b.at).toISOString(),
              bytes: fileSize(join(backupDir, b.name)),
              trigger: "unknown",
              schemaVersion: "",
              loupeVersion: "",
              rowCount: 0,
              drill: null,
              mirror: null,
            },
        )
        .map((r) => ({ ...r, bytes: fileSize(join(backupDir, r.name)) }));
    },

    /** The file to hand out (after re-authentication); the download is audited by the caller's route. */
    download(name: string, actorId: string): { path: string; bytes: number } {
      const path = requireBackup(name);
      appendAudit(ctx, { action: "backup.downloaded", actorId, targetId: name });
      return { path, bytes: fileSize(path) };
    },

    status,

    /** True when no backup exists or the newest is older than a day (the catch-up at start). */
    needsCatchUp(): boolean {
      const newest = backupsIn(backupDir).at(-1);
      return !newest || ctx.clock.now() - newest.at > 86_400_000;
    },

    /** The health view: the last attempt failed (backup or drill), or its mirror did. */
    health(): BackupHealth {
      const s = status();
      if (!s) return { failed: false, mirrorFailed: false, lastAttemptAt: null, lastSuccessAt: null };
      return {
        failed: !s.ok,
        mirrorFailed: s.mirrorFailed === true,
        lastAttemptAt: s.at,
        lastSuccessAt: s.ok ? s.at : (s.lastSuccessAt ?? null),
        ...(s.code ? { code: s.code } : {}),
      };
    },

    /** The backup's time from its name (for callers holding only the name). */
    timeOf: backupTime,
  };
}
