import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { EmptyState, problemText, Skeleton } from "../../components.tsx";
import { type Strings, t } from "../../i18n.ts";
import { count, dateTime, fill } from "./format.ts";
import type { User } from "./users.tsx";

type Entry = {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  targetId: string | null;
  teamId: string | null;
};
type Verification = { ok: boolean; checked: number; lastSeq: number; firstBroken?: { seq: number; reason: string } };

const PAGE = 50;

/** A string's `{name}` placeholders filled with text or elements (never markup from a string). */
function parts(text: string, values: Record<string, ComponentChildren>): ComponentChildren {
  return text.split(/(\{\w+\})/).map((piece) => {
    const key = /^\{(\w+)\}$/.exec(piece)?.[1];
    return key && key in values ? values[key] : piece;
  });
}

/** The audit action in words, when there are words for it; else its code. */
const actionText = (action: string) => t[`instAct_${action.replace(/\./g, "_")}` as keyof Strings] ?? action;

/** The instance's audit trail, newest first, and a verification of the whole chain. */
export function AuditSection(props: { onError: (error: unknown) => void }) {
  const [entries, setEntries] = useState<Entry[] | undefined>(undefined);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const load = async (before?: number) => {
    setLoading(true);
    try {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (before !== undefined) query.set("before", String(before));
      const page = await api<{ entries: Entry[] }>("GET", `/instance/audit?${query}`);
      setEntries((shown) => (before === undefined ? page.entries : [...(shown ?? []), ...page.entries]));
      setMore(page.entries.length === PAGE);
    } catch (error) {
      props.onError(error);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    load();
    // Entries carry ids only: accounts and providers are named from their own lists.
    Promise.all([
      api<{ users: User[] }>("GET", "/instance/users"),
      api<{ providers: { id: string; name: string }[] }>("GET", "/instance/sso-providers"),
    ]).then(
      ([{ users }, { providers }]) =>
        setNames(
          new Map([
            ...users.map((u) => [u.id, u.email] as [string, string]),
            ...providers.map((p) => [p.id, p.name] as [string, string]),
          ]),
        ),
      () => undefined,
    );
  }, []);
  // An id nobody is named by any more (a deleted account, a removed provider) is shown as the id.
  const who = (id: string | null) => (id === null ? t.instSystem : (names.get(id) ?? <code class="id">{id}</code>));
  return (
    <>
      <p class="intro">{t.instAuditIntro}</p>
      <Verify />
      <h3 class="subhead">{t.instAuditEntries}</h3>
      {!entries ? (
        <Skeleton lines={5} />
      ) : entries.length === 0 ? (
        <EmptyState>{t.instAuditEmpty}</EmptyState>
      ) : (
        <ol class="audit-list" aria-label={t.instAuditEntries}>
          {entries.map((entry) => (
            <li key={entry.seq}>
              <span class="what">{actionText(entry.action)}</span>
              <span class="seq">#{entry.seq}</span>
              <span class="meta">
                {parts(t.instBy, { who: who(entry.actorId) })}
                {entry.targetId && entry.targetId !== entry.actorId && (
                  <> · {parts(t.instConcerning, { what: who(entry.targetId) })}</>
                )}
                {" · "}
                <time dateTime={entry.at}>{dateTime(entry.at)}</time>
              </span>
            </li>
          ))}
        </ol>
      )}
      {more && entries && (
        <div>
          <button type="button" disabled={loading} onClick={() => load(entries[entries.length - 1]!.seq)}>
            {loading ? t.working : t.loadMore}
          </button>
        </div>
      )}
    </>
  );
}

/** Runs the chain verification through the API, with progress while it runs and its result after. */
function Verify() {
  const [total, setTotal] = useState<number | undefined>(undefined);
  const [started, setStarted] = useState<number | undefined>(undefined);
  const [elapsed, setElapsed] = useState(0);
  const [result, setResult] = useState<{ verification: Verification; at: string } | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (started === undefined) return;
    const timer = setInterval(() => setElapsed(Math.round((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [started]);
  const run = async () => {
    setResult(undefined);
    setError(undefined);
    setElapsed(0);
    setStarted(Date.now());
    try {
      // How many entries there are to check, for the progress line (the check itself is one request).
      const health = await api<{ counts: { auditEntries: number } | null }>("GET", "/instance/health").catch(
        () => undefined,
      );
      setTotal(health?.counts?.auditEntries);
      const verification = await api<Verification>("GET", "/instance/audit/verify");
      setResult({ verification, at: new Date().toISOString() });
    } catch (failure) {
      setError(problemText(failure));
    } finally {
      setStarted(undefined);
    }
  };
  const running = started !== undefined;
  const v = result?.verification;
  return (
    <section class="panel verify" aria-labelledby="verify-title" aria-busy={running ? "true" : undefined}>
      <h3 id="verify-title">{t.instVerifyTitle}</h3>
      <p>{t.instVerifyHint}</p>
      {running && (
        <div class="progress-line">
          <progress aria-labelledby="verify-progress" />
          <span id="verify-progress">
            {total === undefined ? t.instVerifyingSome : fill(t.instVerifying, { n: count(total) })}{" "}
            {fill(t.instSeconds, { s: elapsed })}
          </span>
        </div>
      )}
      <div role="status">
        {v &&
          (v.ok ? (
            <p class="outcome good">
              <span class="dot ok" aria-hidden="true" />
              {fill(t.instVerified, { seq: count(v.lastSeq), n: count(v.checked) })}
            </p>
          ) : (
            <p class="outcome danger">
              <span class="dot broken" aria-hidden="true" />
              {fill(t.instBroken, {
                seq: count(v.firstBroken?.seq ?? v.lastSeq),
                reason: t[`instReason_${v.firstBroken?.reason}` as keyof Strings] ?? v.firstBroken?.reason ?? "",
              })}{" "}
              {v.lastSeq > 0 && fill(t.instBrokenAfter, { seq: count(v.lastSeq) })}
            </p>
          ))}
        {result && <p class="hint">{fill(t.instCheckedAt, { time: dateTime(result.at) })}</p>}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="primary" disabled={running} onClick={run}>
        {running ? t.working : t.instVerify}
      </button>
    </section>
  );
}
