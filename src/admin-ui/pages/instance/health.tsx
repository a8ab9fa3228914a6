import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { problemText, Skeleton } from "../../components.tsx";
import { type Strings, t } from "../../i18n.ts";
import { bytes, count, dateTime, fill } from "./format.ts";

type Health = {
  status: "ready" | "degraded" | "not_ready";
  reason: string | null;
  checks: { database: string; migrations: string; storage: string; erasureLog: string; backup?: string };
  version: string;
  runtime: string;
  database: { fileBytes: number; walBytes: number; freeBytes: number } | null;
  disk: { freeBytes: number; totalBytes: number } | null;
  email: boolean;
  counts: { users: number; teams: number; projects: number; feedback: number; auditEntries: number } | null;
  backup: { lastSuccessAt: string | null } | null;
  checkedAt: string;
};

const word = (key: string) => t[key as keyof Strings] ?? key;
const TONE = { ready: "ok", degraded: "warn", not_ready: "broken" } as const;
const checkTone = (state: string) => (state === "ok" ? "ok" : state === "pending" ? "warn" : "broken");
/** A daily backup that has not succeeded for this long is overdue (a day and a few hours of slack). */
const BACKUP_OVERDUE_MS = 30 * 3_600_000;

/** The backups row: a failure from /readyz's check, else the last good backup's age. */
function BackupCheck(props: { health: Health }) {
  const { health } = props;
  if (!health.backup) return null;
  const last = health.backup.lastSuccessAt;
  const failed = health.checks.backup;
  const overdue = last !== null && Date.parse(health.checkedAt) - Date.parse(last) > BACKUP_OVERDUE_MS;
  const tone = failed === "failed" ? "broken" : failed || overdue || last === null ? "warn" : "ok";
  const text = failed
    ? word(`instHealthReason_backup_${failed}`)
    : last === null
      ? t.instBackupNone
      : fill(overdue ? t.instBackupOverdue : t.instBackupLast, { time: dateTime(last) });
  return (
    <li>
      <span class={`dot ${tone}`} aria-hidden="true" />
      {t.instCheckBackup}: {text}
    </li>
  );
}

/** What /readyz says, with what only the operator sees: version, database size, disk space, email. */
export function HealthSection(props: { onError: (error: unknown) => void }) {
  const [health, setHealth] = useState<Health | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const load = async (first: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      setHealth(await api<Health>("GET", "/instance/health"));
    } catch (failure) {
      if (first) props.onError(failure);
      else setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    load(true);
  }, []);
  if (!health) return <Skeleton lines={6} />;
  const db = health.database;
  const c = health.counts;
  return (
    <>
      <p class="intro">{t.instHealthIntro}</p>
      <section class="panel" aria-labelledby="health-state">
        <h3 id="health-state" class="state-title">
          <span class={`dot ${TONE[health.status]}`} aria-hidden="true" />
          {word(`instStatus_${health.status}`)}
        </h3>
        <p>{health.reason ? word(`instHealthReason_${health.reason}`) : t.instReadyText}</p>
        <ul class="checks" aria-label={t.instChecks}>
          {(
            [
              ["database", t.instCheckDatabase],
              ["migrations", t.instCheckMigrations],
              ["storage", t.instCheckStorage],
              ["erasureLog", t.instCheckErasureLog],
            ] as const
          ).map(([key, label]) => (
            <li key={key}>
              <span class={`dot ${checkTone(health.checks[key])}`} aria-hidden="true" />
              {label}: {word(`instCheck_${health.checks[key]}`)}
            </li>
          ))}
          <BackupCheck health={health} />
        </ul>
      </section>
      <section class="panel" aria-labelledby="health-facts">
        <h3 id="health-facts">{t.instAbout}</h3>
        <dl class="facts">
          <dt>{t.instVersion}</dt>
          <dd>{health.version}</dd>
          <dt>{t.instRuntime}</dt>
          <dd>{health.runtime}</dd>
          <dt>{t.instDatabaseSize}</dt>
          <dd>
            {db
              ? fill(t.instDatabaseSizeText, {
                  total: bytes(db.fileBytes + db.walBytes),
                  file: bytes(db.fileBytes),
                  wal: bytes(db.walBytes),
                  free: bytes(db.freeBytes),
                })
              : t.instUnknown}
          </dd>
          <dt>{t.instDisk}</dt>
          <dd>
            {health.disk
              ? fill(t.instDiskText, { free: bytes(health.disk.freeBytes), total: bytes(health.disk.totalBytes) })
              : t.instUnknown}
          </dd>
          <dt>{t.instEmail}</dt>
          <dd>{health.email ? t.instEmailOn : t.instEmailOff}</dd>
          <dt>{t.instRecords}</dt>
          <dd>
            {c
              ? fill(t.instRecordsText, {
                  users: count(c.users),
                  teams: count(c.teams),
                  projects: count(c.projects),
                  feedback: count(c.feedback),
                  audit: count(c.auditEntries),
                })
              : t.instUnknown}
          </dd>
        </dl>
      </section>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="form-end">
        <button type="button" disabled={busy} onClick={() => load(false)}>
          {busy ? t.working : t.instCheckAgain}
        </button>
        <span class="hint">{fill(t.instCheckedAt, { time: dateTime(health.checkedAt) })}</span>
      </div>
    </>
  );
}
