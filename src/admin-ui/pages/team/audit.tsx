import { useEffect, useRef, useState } from "preact/hooks";
import { AUDIT_ACTIONS } from "../../../shared/audit-actions.ts";
import { api, fieldError } from "../../api.ts";
import { EmptyState, problemText, Skeleton } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { ActionButton, downloadFrom, Labeled, type SectionProps, Time } from "./common.tsx";

type Entry = {
  seq: number;
  at: string;
  actorId: string | null;
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetId: string | null;
  targetName: string | null;
};
type Member = { userId: string; displayName: string; email: string };

/** The groups of actions a team's trail holds (the instance's own actions never appear here). */
const GROUPS = [
  "member",
  "invitation",
  "team",
  "support_access",
  "token",
  "label",
  "project",
  "feedback",
  "data",
  "audit",
];
const words = t as unknown as Record<string, string | undefined>;
export const actionName = (action: string): string => words[`act_${action.replace(".", "__")}`] ?? action;
const groupName = (group: string): string => words[`grp_${group}`] ?? group;

/** The filter lives in the URL's query (`?actor=…&action=…&from=YYYY-MM-DD&to=YYYY-MM-DD`): shareable. */
type View = { actor: string; action: string; from: string; to: string };
const KEYS = ["actor", "action", "from", "to"] as const;
const readView = (): View => {
  const q = new URLSearchParams(location.search);
  return {
    actor: q.get("actor") ?? "",
    action: q.get("action") ?? "",
    from: q.get("from") ?? "",
    to: q.get("to") ?? "",
  };
};

/** Local calendar days to the API's instants: `from` the day's start, `to` inclusive (the next day's start). */
const dayStart = (day: string, plus = 0): string => {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plus).toISOString();
};
function apiQuery(view: View): URLSearchParams {
  const query = new URLSearchParams();
  if (view.actor) query.set("actor", view.actor);
  if (view.action) query.set("action", view.action);
  if (/^\d{4}-\d{2}-\d{2}$/.test(view.from)) query.set("from", dayStart(view.from));
  if (/^\d{4}-\d{2}-\d{2}$/.test(view.to)) query.set("to", dayStart(view.to, 1));
  return query;
}

/** Who changed what in the team, filtered, paged, and exported as CSV or JSON. */
export function AuditSection({ team }: SectionProps) {
  const [view, setView] = useState<View>(readView);
  const [entries, setEntries] = useState<Entry[] | undefined>(undefined);
  const [next, setNext] = useState<string | null>(null);
  const [members, setMembers] = useState<Member[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);
  // Only the newest request's answer is shown: filters changed quickly must not end on an older view.
  const latest = useRef(0);
  const load = async (before: string | null) => {
    const request = ++latest.current;
    const query = apiQuery(view);
    query.set("limit", "50");
    if (before) query.set("before", before);
    setLoading(true);
    setError(undefined);
    try {
      const page = await api<{ entries: Entry[]; nextBefore: string | null }>(
        "GET",
        `/teams/${team.id}/audit?${query}`,
      );
      if (request !== latest.current) return;
      setEntries((shown) => (before && shown ? [...shown, ...page.entries] : page.entries));
      setNext(page.nextBefore);
    } catch (caught) {
      if (request !== latest.current) return;
      handleLostSession(caught);
      setError(caught);
      if (!before) setEntries([]);
    } finally {
      if (request === latest.current) setLoading(false);
    }
  };
  useEffect(() => {
    api<{ members: Member[] }>("GET", `/teams/${team.id}/members`).then(
      (a) => setMembers(a.members),
      () => undefined,
    );
  }, [team.id]);
  useEffect(() => {
    const query = new URLSearchParams();
    for (const key of KEYS) if (view[key]) query.set(key, view[key]);
    const search = query.toString();
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
    load(null);
  }, [team.id, view.actor, view.action, view.from, view.to]);
  const toError = fieldError(error, "to") ?? fieldError(error, "from");
  const general = error && !toError ? problemText(error) : undefined;
  const filtered = KEYS.some((key) => view[key]);
  const exportQuery = (format: "csv" | "json") => {
    const query = apiQuery(view);
    query.set("format", format);
    return `/teams/${team.id}/audit/export?${query}`;
  };
  const set = (key: keyof View) => (event: Event) =>
    setView({ ...view, [key]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  return (
    <>
      <p class="muted">{t.auditIntro}</p>
      <form class="filter-bar" aria-label={t.auditFilters} onSubmit={(e) => e.preventDefault()}>
        <Labeled id="audit-actor" label={t.auditActor}>
          <select id="audit-actor" class="fill" name="actor" value={view.actor} onChange={set("actor")}>
            <option value="">{t.auditAnyone}</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName} ({m.email})
              </option>
            ))}
          </select>
        </Labeled>
        <Labeled id="audit-action" label={t.auditAction}>
          <select id="audit-action" class="fill" name="action" value={view.action} onChange={set("action")}>
            <option value="">{t.auditAnyAction}</option>
            {GROUPS.map((group) => (
              <optgroup key={group} label={groupName(group)}>
                <option value={group}>{t.auditWholeGroup.replace("{group}", groupName(group))}</option>
                {AUDIT_ACTIONS.filter((a) => a.startsWith(`${group}.`)).map((a) => (
                  <option key={a} value={a}>
                    {actionName(a)}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        </Labeled>
        <Labeled id="audit-from" label={t.auditFrom}>
          <input
            id="audit-from"
            class="fill"
            name="from"
            type="date"
            value={view.from}
            max={view.to || undefined}
            onChange={set("from")}
          />
        </Labeled>
        <Labeled id="audit-to" label={t.auditTo} error={toError} note={t.auditToHint} quietNote>
          <input
            id="audit-to"
            class="fill"
            name="to"
            type="date"
            value={view.to}
            min={view.from || undefined}
            aria-invalid={toError ? "true" : undefined}
            aria-describedby="audit-to-note"
            onChange={set("to")}
          />
        </Labeled>
        <div class="filter-actions">
          {filtered && (
            <button type="button" onClick={() => setView({ actor: "", action: "", from: "", to: "" })}>
              {t.clearFilters}
            </button>
          )}
          <ActionButton
            label={t.exportCsv}
            run={() => downloadFrom(exportQuery("csv"), "loupe-audit.csv")}
            busyLabel={t.exporting}
          />
          <ActionButton
            label={t.exportJson}
            run={() => downloadFrom(exportQuery("json"), "loupe-audit.json")}
            busyLabel={t.exporting}
          />
        </div>
      </form>
      {general && (
        <p class="error" role="alert">
          {general}
        </p>
      )}
      {!entries && <Skeleton lines={5} />}
      {entries?.length === 0 && !error && <EmptyState>{filtered ? t.auditNoMatch : t.auditEmpty}</EmptyState>}
      {entries && entries.length > 0 && (
        <ol class="entities trail" aria-label={t.teamAudit} aria-busy={loading ? "true" : undefined}>
          {entries.map((entry) => (
            <li key={entry.seq} class="entity">
              <div class="entity-main">
                <span class="entity-title">
                  <span>{actionName(entry.action)}</span>
                  {targetText(entry, team.id) && <span class="target"> · {targetText(entry, team.id)}</span>}
                </span>
                <span class="entity-sub">
                  {actorText(entry)} · <Time iso={entry.at} past />
                </span>
              </div>
              <span class="seq" title={entry.action}>
                #{entry.seq}
              </span>
            </li>
          ))}
        </ol>
      )}
      {next && (
        <button type="button" class="load-more" disabled={loading} onClick={() => load(next)}>
          {loading ? t.working : t.loadMore}
        </button>
      )}
    </>
  );
}

const shortId = (id: string) => id.slice(0, 8);

function actorText(entry: Entry): string {
  if (entry.actorName) return `${entry.actorName} (${entry.actorEmail})`;
  if (entry.actorId) return t.auditFormerMember.replace("{id}", shortId(entry.actorId));
  return t.auditNoActor;
}

/** What an entry was about; nothing when that is the team itself or a support grant (the action says it all). */
function targetText(entry: Entry, teamId: string): string {
  if (entry.targetId === teamId || entry.action.startsWith("support_access.")) return "";
  if (entry.targetName) return entry.targetName;
  return entry.targetId ? shortId(entry.targetId) : "";
}
