import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, EmptyState, problemText, Skeleton } from "../../components.tsx";
import { type Strings, t } from "../../i18n.ts";
import { isCancelled, recent } from "../../reauth.tsx";
import { bytes, count, dateTime, fill } from "./format.ts";

type Drill = {
  ok: boolean;
  at: string;
  durationMs: number;
  code?: string;
  reason?: string;
  boot?: { readyz: "ready"; knownRecord: string | null };
};

/** What a passed drill proved, in a sentence: when, how long, and what the copy served. */
const drillDetail = (drill: Drill) =>
  fill(drill.boot?.knownRecord ? t.backupDrillDetail : t.backupDrillDetailReady, {
    time: dateTime(drill.at),
    duration: `${(drill.durationMs / 1000).toFixed(1)} s`,
    record: drill.boot?.knownRecord ?? "",
  });
type Backup = {
  name: string;
  createdAt: string;
  bytes: number;
  trigger: string;
  schemaVersion: string;
  rowCount: number;
  drill: Drill | null;
  mirror: { ok: boolean; reason?: string } | null;
};
type Status = { ok: boolean; at: string; stage?: string; code?: string; reason?: string; mirrorFailed?: boolean };
type Listing = {
  backups: Backup[];
  status: Status | null;
  schedule: { time: string; mirror: boolean; recipients: number };
};
type Job = {
  id: string;
  kind: "backup" | "verify";
  state: "running" | "succeeded" | "failed";
  target: string | null;
  drill: Drill | null;
  error: { code: string; message: string } | null;
};

/** A failure's code in words when there are words for it (the API's text otherwise). */
const failureText = (code: string | undefined, fallback: string | undefined) =>
  (code && t[`backupCode_${code}` as keyof Strings]) || fallback || t.backupFailedUnknown;

/**
 * The instance's backups: the last attempt's state and the schedule, a backup now, and each backup
 * with its time, size and restore drill — verify it again, or download it (re-authentication first;
 * recorded in the trail). Backup and verification are jobs on the server; the page polls them.
 */
export function BackupsSection(props: { onError: (error: unknown) => void }) {
  const [listing, setListing] = useState<Listing | undefined>(undefined);
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [outcome, setOutcome] = useState<Job | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const load = async (first = false) => {
    try {
      setListing(await api<Listing>("GET", "/instance/backups"));
    } catch (failure) {
      if (first) props.onError(failure);
      else setError(problemText(failure));
    }
  };
  useEffect(() => {
    load(true);
    return () => clearTimeout(timer.current);
  }, []);
  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const next = await api<Job>("GET", `/instance/backups/jobs/${id}`);
        if (next.state === "running") return poll(id);
        setJob(undefined);
        setOutcome(next);
        await load();
      } catch (failure) {
        setJob(undefined);
        setError(problemText(failure));
      }
    }, 1000);
  };
  const start = async (path: string) => {
    setError(undefined);
    setOutcome(undefined);
    try {
      const started = await api<Job>("POST", path);
      setJob(started);
      poll(started.id);
    } catch (failure) {
      setError(problemText(failure));
    }
  };
  const download = async (name: string) => {
    setError(undefined);
    try {
      const { href } = await recent(() => api<{ href: string }>("POST", `/instance/backups/${name}/download`));
      const link = document.createElement("a");
      link.href = href;
      link.download = name;
      link.click();
    } catch (failure) {
      if (!isCancelled(failure)) setError(problemText(failure));
    }
  };
  if (!listing) return <Skeleton lines={6} />;
  const s = listing.status;
  const running = job !== undefined;
  return (
    <>
      <p class="intro">{t.backupIntro}</p>
      <section class="panel" aria-labelledby="backup-state">
        <h3 id="backup-state" class="state-title">
          <span class={`dot ${!s ? "warn" : s.ok && !s.mirrorFailed ? "ok" : "broken"}`} aria-hidden="true" />
          {!s
            ? t.backupNone
            : s.ok
              ? s.mirrorFailed
                ? t.backupMirrorFailed
                : t.backupOk
              : s.stage === "verify"
                ? t.backupVerifyFailedTitle
                : t.backupFailed}
        </h3>
        {s && (
          <p>
            {s.ok
              ? fill(t.backupLastAt, { time: dateTime(s.at) })
              : fill(
                  s.stage === "drill"
                    ? t.backupDrillFailedAt
                    : s.stage === "verify"
                      ? t.backupVerifyFailedAt
                      : t.backupFailedAt,
                  {
                    time: dateTime(s.at),
                    reason: failureText(s.code, s.reason),
                  },
                )}
          </p>
        )}
        <p class="hint">
          {fill(t.backupSchedule, { time: listing.schedule.time })}{" "}
          {listing.schedule.mirror ? t.backupMirrorOn : t.backupMirrorOff}{" "}
          {listing.schedule.recipients > 0 && fill(t.backupRecipients, { n: count(listing.schedule.recipients) })}
        </p>
        {running && (
          <div class="progress-line" role="status">
            <progress aria-labelledby="backup-progress" />
            <span id="backup-progress">
              {job.kind === "backup" ? t.backupRunning : fill(t.backupVerifying, { name: job.target ?? "" })}
            </span>
          </div>
        )}
        <div role="status">
          {outcome && (
            <p class={`outcome ${outcome.state === "succeeded" ? "good" : "danger"}`}>
              <span class={`dot ${outcome.state === "succeeded" ? "ok" : "broken"}`} aria-hidden="true" />
              {outcome.state === "succeeded"
                ? outcome.kind === "backup"
                  ? t.backupDone
                  : fill(t.backupVerified, { name: outcome.target ?? "" })
                : outcome.kind === "verify"
                  ? fill(t.backupVerifyFailed, {
                      name: outcome.target ?? "",
                      reason: failureText(outcome.error?.code, outcome.error?.message),
                    })
                  : failureText(outcome.error?.code, outcome.error?.message)}
            </p>
          )}
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" class="primary" disabled={running} onClick={() => start("/instance/backups")}>
            {running && job.kind === "backup" ? t.working : t.backupNow}
          </button>
        </div>
      </section>
      <h3 class="subhead">{t.backupList}</h3>
      {listing.backups.length === 0 ? (
        <EmptyState>{t.backupEmpty}</EmptyState>
      ) : (
        <ol class="backup-list" aria-label={t.backupList}>
          {listing.backups.map((b) => (
            <li key={b.name}>
              <span class="when">
                <time dateTime={b.createdAt}>{dateTime(b.createdAt)}</time>
              </span>
              <span class="size">{bytes(b.bytes)}</span>
              <span class="drill">
                {b.drill === null ? (
                  <Badge>{t.backupNotChecked}</Badge>
                ) : b.drill.ok ? (
                  <Badge tone="good">{t.backupDrillPassed}</Badge>
                ) : (
                  <Badge tone="danger">{t.backupDrillFailed}</Badge>
                )}
                {b.mirror && !b.mirror.ok && <Badge tone="warn">{t.backupNotMirrored}</Badge>}
              </span>
              <span class="meta">
                <code>{b.name}</code>
                {b.drill && !b.drill.ok && <> · {failureText(b.drill.code, b.drill.reason)}</>}
                {b.drill?.ok && <span class="drill-detail">{drillDetail(b.drill)}</span>}
              </span>
              <span class="row-actions">
                <button
                  type="button"
                  disabled={running}
                  aria-label={fill(t.backupVerifyOne, { time: dateTime(b.createdAt) })}
                  onClick={() => start(`/instance/backups/${b.name}/verify`)}
                >
                  {t.backupVerify}
                </button>
                <button
                  type="button"
                  aria-label={fill(t.backupDownloadOne, { time: dateTime(b.createdAt) })}
                  onClick={() => download(b.name)}
                >
                  {t.backupDownload}
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      <p class="hint">
        {t.backupRestoreHint.split("{command}").map((piece, i) => (
          <>
            {i > 0 && <code>loupe backup restore FILE</code>}
            {piece}
          </>
        ))}
      </p>
    </>
  );
}
