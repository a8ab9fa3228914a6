import { readdirSync, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { errorFields } from "../../lib/logger.ts";
import { MetricsRegistry } from "../../lib/metrics.ts";
import { DATABASE_FILE } from "../../store/store.ts";
import { countActiveSessions } from "../accounts/sessions.ts";
import type { BackupManager } from "../backup/manager.ts";
import type { ServiceContext } from "../context.ts";

/** Request latency buckets in seconds: 1 ms … 10 s (a submission with a screenshot writes with fsync). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Values read from the database or the disk are refreshed at most this often, however often Prometheus scrapes. */
export const SLOW_GAUGE_TTL_MS = 5_000;

/** Every series Loupe exposes on GET /metrics. Labels are route patterns, statuses and error codes only. */
export function createLoupeMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    requests: registry.counter<"method" | "route" | "status">({
      name: "loupe_http_requests_total",
      help: "HTTP requests answered, by method, matched route pattern (never the raw path) and status.",
      labelNames: ["method", "route", "status"],
    }),
    duration: registry.histogram<"method" | "route">({
      name: "loupe_http_request_duration_seconds",
      help: "Time from receiving a request to its response headers, by method and route pattern.",
      labelNames: ["method", "route"],
      buckets: LATENCY_BUCKETS,
    }),
    feedbackSubmitted: registry.counter<"source">({
      name: "loupe_feedback_submitted_total",
      help: "Feedback submissions answered 201, by source (widget or api; a repeated idempotency id counts again).",
      labelNames: ["source"],
    }),
    widgetRefused: registry.counter<"reason">({
      name: "loupe_widget_submissions_refused_total",
      help: "Widget submissions refused, by reason (the problem code, lower case).",
      labelNames: ["reason"],
    }),
    rateLimited: registry.counter<"route">({
      name: "loupe_rate_limited_total",
      help: "Requests refused with 429, by route pattern.",
      labelNames: ["route"],
    }),
    storageFull: registry.counter({
      name: "loupe_storage_full_total",
      help: "Requests refused with 507 because the storage was full.",
    }),
    activeSessions: registry.gauge({
      name: "loupe_active_sessions",
      help: "Browser sessions neither revoked nor past their inactivity or absolute timeout.",
    }),
    sseStreams: registry.gauge({
      name: "loupe_sse_streams",
      help: "Open live-update (server-sent events) streams.",
    }),
    storageFullNow: registry.gauge({
      name: "loupe_database_storage_full",
      help: "1 while the last database write failed for lack of space (cleared by the next write that succeeds).",
    }),
    backupLastSuccess: registry.gauge({
      name: "loupe_backup_last_success_timestamp_seconds",
      help: "Unix time of the last successful backup (absent before the first).",
    }),
    backupLastAttemptOk: registry.gauge({
      name: "loupe_backup_last_attempt_success",
      help: "1 when the last backup attempt (backup, drill and mirror) succeeded, 0 when it failed (absent before the first).",
    }),
    drillLastOk: registry.gauge({
      name: "loupe_backup_last_drill_success",
      help: "1 when the most recent restore drill passed, 0 when it failed (absent before the first).",
    }),
    drillLastAt: registry.gauge({
      name: "loupe_backup_last_drill_timestamp_seconds",
      help: "Unix time of the most recent restore drill.",
    }),
    databaseBytes: registry.gauge({ name: "loupe_database_bytes", help: "Size of the database file." }),
    walBytes: registry.gauge({ name: "loupe_database_wal_bytes", help: "Size of the database's write-ahead log." }),
    backupBytes: registry.gauge({
      name: "loupe_backup_directory_bytes",
      help: "Total size of the files in the backup directory.",
    }),
    dataFreeBytes: registry.gauge({
      name: "loupe_data_volume_free_bytes",
      help: "Free bytes (for an unprivileged user) on the volume holding the data directory.",
    }),
    residentMemory: registry.gauge({
      name: "process_resident_memory_bytes",
      help: "Resident set size of the process.",
    }),
    heapUsed: registry.gauge({ name: "loupe_heap_used_bytes", help: "JavaScript heap in use." }),
    heapTotal: registry.gauge({ name: "loupe_heap_total_bytes", help: "JavaScript heap reserved." }),
    startTime: registry.gauge({ name: "process_start_time_seconds", help: "Unix time the process started." }),
    buildInfo: registry.gauge<"version">({
      name: "loupe_build_info",
      help: "Always 1; the version label names the running build (shown only here, never on public responses).",
      labelNames: ["version"],
    }),
  };
}

export type LoupeMetrics = ReturnType<typeof createLoupeMetrics>;

export type OperationalSources = {
  ctx: ServiceContext;
  version: string;
  backupDir?: string;
  backups?: Pick<BackupManager, "status" | "list">;
};

const fileSize = (path: string) => {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
};

function directoryBytes(dir: string): number {
  let total = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const stat = statSync(join(dir, name));
      if (stat.isFile()) total += stat.size;
    } catch {
      // Removed between the listing and the stat (rotation).
    }
  }
  return total;
}

const seconds = (iso: string | undefined) => {
  const ms = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
};

/**
 * Refreshes the gauges at each scrape: process memory every time; sessions (a database read), file
 * sizes and backup state at most every SLOW_GAUGE_TTL_MS (by the context's clock).
 */
export function collectOperationalMetrics(metrics: LoupeMetrics, sources: OperationalSources): () => void {
  const { ctx } = sources;
  const started = Date.now() - performance.now();
  metrics.buildInfo.set(1, { version: sources.version });
  metrics.startTime.set(Math.floor(started / 1000));
  let slowAt: number | undefined;
  const slow = () => {
    try {
      if (ctx.db.open) metrics.activeSessions.set(countActiveSessions(ctx));
    } catch (error) {
      ctx.logger.warn("metrics.sessions_failed", errorFields(error));
    }
    metrics.databaseBytes.set(fileSize(join(ctx.dataDir, DATABASE_FILE)));
    metrics.walBytes.set(fileSize(join(ctx.dataDir, `${DATABASE_FILE}-wal`)));
    try {
      const fs = statfsSync(ctx.dataDir);
      metrics.dataFreeBytes.set(fs.bavail * fs.bsize);
    } catch {
      // The directory vanished: keep the last figure.
    }
    if (sources.backupDir !== undefined) metrics.backupBytes.set(directoryBytes(sources.backupDir));
    if (sources.backups) {
      const status = sources.backups.status();
      const lastSuccess = seconds(status?.lastSuccessAt ?? (status?.ok ? status.at : undefined));
      if (lastSuccess !== undefined) metrics.backupLastSuccess.set(lastSuccess);
      if (status) metrics.backupLastAttemptOk.set(status.ok && !status.mirrorFailed ? 1 : 0);
      let latest: { ok: boolean; at: number } | undefined;
      for (const record of sources.backups.list()) {
        const at = seconds(record.drill?.at);
        if (record.drill && at !== undefined && (!latest || at > latest.at)) latest = { ok: record.drill.ok, at };
      }
      if (latest) {
        metrics.drillLastOk.set(latest.ok ? 1 : 0);
        metrics.drillLastAt.set(latest.at);
      }
    }
  };
  return () => {
    const memory = process.memoryUsage();
    metrics.residentMemory.set(memory.rss);
    metrics.heapUsed.set(memory.heapUsed);
    metrics.heapTotal.set(memory.heapTotal);
    metrics.sseStreams.set(ctx.live?.openStreams() ?? 0);
    metrics.storageFullNow.set(ctx.db.storageFull ? 1 : 0);
    const now = ctx.clock.now();
    if (slowAt === undefined || now - slowAt >= SLOW_GAUGE_TTL_MS || now < slowAt) {
      slowAt = now;
      slow();
    }
  };
}
