import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { MAX_BULK_ITEMS, SORTS, STATUSES } from "../../shared/feedback-constants.ts";
import { ApiError, api } from "../api.ts";
import { Dialog, problemText, toast } from "../components.tsx";
import { t } from "../i18n.ts";
import { onLive } from "../live.ts";
import { navigate } from "../router.ts";
import { chooseTeam, handleLostSession, type Me, Shell, type Team } from "../shell.tsx";
import { ago, firstLine, type Item, ItemView, saveStatus } from "./item.tsx";

/** The inbox: feedback on the left (one team's or all the user's teams'), the open item on the right. */
export function InboxPage() {
  return <Shell area="inbox">{(team, me, teams) => <Inbox team={team} me={me} teams={teams} />}</Shell>;
}

/** An item as the lists answer it: the item view's fields and the triage ones a row shows. */
type Row = Item & {
  teamId: string;
  assigneeId: string | null;
  labelIds: string[];
  rating: { scale: "stars" | "emoji" | "nps"; value: number } | null;
};
type Page = { items: Row[]; nextCursor: string | null; skippedTeams?: { teamId: string; code: string }[] };
type Label = { id: string; name: string; color: string };
type Member = { userId: string; displayName: string; email: string; role: "owner" | "member" | "reporter" };
type Project = { id: string; name: string };

/**
 * The view lives in the URL's query, so a view can be bookmarked and shared: search, filters, order
 * and whether it covers all the user's teams. Dates are days (`2025-03-01`), each counted whole.
 */
const VIEW_KEYS = [
  "q",
  "status",
  "projectId",
  "assigneeId",
  "labelId",
  "ratingMin",
  "ratingMax",
  "from",
  "to",
  "hasScreenshot",
  "sort",
  "scope",
] as const;
type View = Record<(typeof VIEW_KEYS)[number], string>;
/** The filters that name something of one team (cleared when the team changes). */
const TEAM_KEYS = ["projectId", "assigneeId", "labelId"] as const;
const FILTER_KEYS = VIEW_KEYS.filter((k) => k !== "q" && k !== "sort" && k !== "scope");
const MORE_KEYS = ["ratingMin", "ratingMax", "from", "to", "hasScreenshot"] as const;

const readView = (): View => {
  const query = new URLSearchParams(location.search);
  return Object.fromEntries(VIEW_KEYS.map((k) => [k, query.get(k) ?? ""])) as View;
};
const writeView = (view: View) => {
  const query = new URLSearchParams();
  for (const key of VIEW_KEYS) if (view[key]) query.set(key, view[key]);
  const search = query.toString();
  history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
};
const isDay = (day: string) => /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00`));
/** A day's start in the browser's time zone; `next`: the following day's (the range's exclusive end). */
const dayStart = (day: string, next = false) => {
  const at = new Date(`${day}T00:00`);
  if (next) at.setDate(at.getDate() + 1);
  return at.toISOString();
};

/** The API query of a view (what the URL holds that the API does not understand is left out). */
function apiQuery(view: View, cursor: string | null, limit: number): URLSearchParams {
  const query = new URLSearchParams({ limit: String(limit) });
  if (view.q) query.set("q", view.q);
  for (const key of ["status", "projectId", "assigneeId", "labelId", "hasScreenshot"] as const)
    if (view[key]) query.set(key, view[key]);
  for (const key of ["ratingMin", "ratingMax"] as const) if (/^\d{1,2}$/.test(view[key])) query.set(key, view[key]);
  if (isDay(view.from)) query.set("from", dayStart(view.from));
  if (isDay(view.to)) query.set("to", dayStart(view.to, true));
  if ((SORTS as readonly string[]).includes(view.sort) || (view.q && view.sort === "relevance"))
    query.set("sort", view.sort);
  if (cursor) query.set("cursor", cursor);
  return query;
}

/** Whether keys go into a field (a row's checkbox is no field: j, k and x go on working there). */
const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable ||
    /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
    (target instanceof HTMLInputElement && !/^(checkbox|radio|button|submit)$/.test(target.type)));
const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("") || "?";
const cap = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** What the inbox knows of each team it shows: its projects, and (for members and owners) its people and labels. */
type TeamData = { projects: Project[]; members: Member[]; labels: Label[] };

function useTeamData(teams: Team[]): [Map<string, TeamData>, (teamId: string) => Promise<void>] {
  const [data, setData] = useState(new Map<string, TeamData>());
  const loadTeam = async (team: Team) => {
    const triager = team.role === "owner" || team.role === "member";
    const [projects, members, labels] = await Promise.all([
      api<{ projects: Project[] }>("GET", `/teams/${team.id}/projects`).then((r) => r.projects),
      triager ? api<{ members: Member[] }>("GET", `/teams/${team.id}/members`).then((r) => r.members) : [],
      triager ? api<{ labels: Label[] }>("GET", `/teams/${team.id}/labels`).then((r) => r.labels) : [],
    ]);
    setData((known) => new Map(known).set(team.id, { projects, members, labels }));
  };
  const key = teams.map((team) => team.id).join();
  useEffect(() => {
    for (const team of teams) loadTeam(team).catch(handleLostSession);
  }, [key]);
  const reload = async (teamId: string) => {
    const team = teams.find((candidate) => candidate.id === teamId);
    if (team) await loadTeam(team);
  };
  return [data, reload];
}

type Picker = { kind: "assign" | "label"; ids: string[] };

function Inbox({ team, me, teams }: { team: Team; me: Me; teams: Team[] }) {
  const [view, setView] = useState<View>(readView);
  const all = view.scope === "all" && teams.length > 1;
  const shown = all ? teams : [team];
  const [teamData, reloadTeam] = useTeamData(shown);
  const [items, setItems] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [skipped, setSkipped] = useState<{ teamId: string; code: string }[]>([]);
  const [focused, setFocused] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [open, setOpen] = useState<Row | undefined>(undefined);
  const [help, setHelp] = useState(false);
  const [picker, setPicker] = useState<Picker | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  // The extra filters start open when the view uses one; then the user decides.
  const [moreOpen, setMoreOpen] = useState(() => MORE_KEYS.some((k) => new URLSearchParams(location.search).get(k)));
  const searchBox = useRef<HTMLInputElement>(null);
  const latest = useRef(0);

  const roleOf = (teamId: string) => teams.find((candidate) => candidate.id === teamId)?.role ?? null;
  const canTriage = (teamId: string) => roleOf(teamId) === "owner" || roleOf(teamId) === "member";
  const anyTriage = shown.some((candidate) => canTriage(candidate.id));
  const projectName = useMemo(() => {
    const names = new Map<string, string>();
    for (const d of teamData.values()) for (const p of d.projects) names.set(p.id, p.name);
    return names;
  }, [teamData]);
  const labelOf = useMemo(() => {
    const labels = new Map<string, Label>();
    for (const d of teamData.values()) for (const l of d.labels) labels.set(l.id, l);
    return labels;
  }, [teamData]);
  const personOf = useMemo(() => {
    const people = new Map<string, Member>();
    for (const d of teamData.values()) for (const m of d.members) people.set(m.userId, m);
    return people;
  }, [teamData]);

  /** What the inbox shows now, for calls that finish later than the render that started them. */
  const current = useRef({ view, all, teamId: team.id });
  current.current = { view, all, teamId: team.id };
  /** Loads the view's first page (or, with `from`, the next one); `size` keeps as many rows as were shown. */
  const load = async (from: string | null, size = 50) => {
    const request = ++latest.current;
    setLoading(true);
    setFailure(undefined);
    try {
      // The view as it is now (a reload after a slow bulk change must not bring back an older one).
      const { view: now, all: across, teamId } = current.current;
      const base = across ? "/feedback" : `/teams/${teamId}/feedback`;
      const page = await api<Page>("GET", `${base}${now.q ? "/search" : ""}?${apiQuery(now, from, size)}`);
      if (request !== latest.current) return;
      setItems((rows) => (from ? [...rows, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setSkipped(page.skippedTeams ?? []);
    } catch (error) {
      if (request !== latest.current) return;
      handleLostSession(error);
      setFailure(problemText(error));
    } finally {
      if (request === latest.current) setLoading(false);
    }
  };
  /** The same view again, as many rows as shown (after a change; live updates call it too). */
  const reload = () => load(null, Math.min(200, Math.max(50, items.length)));

  useEffect(() => {
    writeView(view);
    setFocused(0);
    setSelected(new Set());
    setAnchor(null);
    load(null);
  }, [team.id, ...VIEW_KEYS.map((k) => view[k])]);

  // Live updates (src/admin-ui/live.ts; ids only, details through the item route): a new item of a
  // shown team goes on top (with a filter, a search or another order on, the first page reloads); a
  // listed item's row is refreshed, and leaves the list once trashed; missed events reload the view.
  useEffect(
    () =>
      onLive((event) => {
        if (event.type === "resync") return void reload();
        if (!shown.some((candidate) => candidate.id === event.teamId)) return;
        const listed = items.some((row) => row.id === event.itemId);
        const fetchRow = () =>
          api<Row & { deletedAt?: string | null }>("GET", `/teams/${event.teamId}/feedback/${event.itemId}`).then(
            (row) => ({ ...row, teamId: event.teamId }),
          );
        const drop = () => {
          const index = items.findIndex((row) => row.id === event.itemId);
          setItems((rows) => rows.filter((row) => row.id !== event.itemId));
          if (index >= 0) setFocused((at) => (index < at ? at - 1 : at));
        };
        const gone = (error: unknown) => error instanceof ApiError && error.status === 404 && drop();
        if (event.type === "feedback.created" && !listed) {
          if (view.q || FILTER_KEYS.some((key) => view[key]) || (view.sort && view.sort !== "newest"))
            return void reload();
          fetchRow().then((row) => {
            setItems((rows) => (rows.some((candidate) => candidate.id === row.id) ? rows : [row, ...rows]));
            // The focused row stays the same item (e acts on it).
            if (items.length > 0) setFocused((at) => at + 1);
            setNotice(t.liveNewItem);
          }, gone);
        } else if (event.type === "feedback.updated" && listed) {
          fetchRow().then(
            (row) =>
              row.deletedAt
                ? drop()
                : setItems((rows) =>
                    rows.map((candidate) => (candidate.id === row.id ? { ...candidate, ...row } : candidate)),
                  ),
            gone,
          );
        }
      }),
    [team.id, all, ...VIEW_KEYS.map((key) => view[key]), items],
  );

  // Rows no longer listed leave the selection.
  useEffect(() => {
    setSelected((chosen) => {
      const listed = new Set(items.map((i) => i.id));
      const kept = [...chosen].filter((id) => listed.has(id));
      return kept.length === chosen.size ? chosen : new Set(kept);
    });
    setFocused((at) => Math.min(at, Math.max(items.length - 1, 0)));
  }, [items]);

  const change = (patch: Partial<View>) => setView({ ...view, ...patch });
  const showItem = async (row: Row) => {
    try {
      setOpen({ ...row, ...(await api<Row>("GET", `/teams/${row.teamId}/feedback/${row.id}`)) });
    } catch (error) {
      handleLostSession(error);
      toast(problemText(error), "danger");
    }
  };
  const changed = (item: Item) => {
    setOpen((shown) => (shown?.id === item.id ? { ...shown, ...item } : shown));
    setItems((rows) => rows.map((row) => (row.id === item.id ? { ...row, ...item } : row)));
  };

  /** The row the keyboard is on: the one with the focus (the state may lag behind a reload), else the remembered one. */
  const keyRow = () => {
    const row = document.activeElement?.closest(".list li:has(> .row)");
    const at = row ? [...document.querySelectorAll(".list li:has(> .row)")].indexOf(row) : -1;
    return at === -1 ? focused : at;
  };
  /** What a shortcut or the bulk bar acts on: the selection, else the open item, else the keyboard's row. */
  const targets = (): Row[] => {
    if (selected.size > 0) return items.filter((row) => selected.has(row.id));
    const row = open ?? items[keyRow()];
    return row ? [row] : [];
  };

  /** One change to many items: a bulk request per team (100 ids each); the view is then reloaded. */
  const bulk = async (rows: Row[], body: Record<string, unknown>, done: string) => {
    const mine = rows.filter((row) => canTriage(row.teamId));
    if (mine.length === 0) return;
    setBusy(true);
    let updated = 0;
    let failed = 0;
    try {
      const byTeam = new Map<string, string[]>();
      for (const row of mine) byTeam.set(row.teamId, [...(byTeam.get(row.teamId) ?? []), row.id]);
      for (const [teamId, ids] of byTeam) {
        for (let i = 0; i < ids.length; i += MAX_BULK_ITEMS) {
          const answer = await api<{ updated: string[]; failed: { id: string; code: string }[] }>(
            "POST",
            `/teams/${teamId}/feedback/bulk`,
            { ids: ids.slice(i, i + MAX_BULK_ITEMS), ...body },
          );
          updated += answer.updated.length;
          failed += answer.failed.length;
        }
      }
      toast(
        failed > 0
          ? t.bulkPartly.replace("{n}", String(updated)).replace("{failed}", String(failed))
          : done.replace("{n}", String(updated)),
        failed > 0 ? "danger" : "good",
      );
      if (open && mine.some((row) => row.id === open.id)) {
        if (body.trash) setOpen(undefined);
        else await showItem(open);
      }
    } catch (error) {
      handleLostSession(error);
      toast(problemText(error), "danger");
    } finally {
      setBusy(false);
      await reload();
    }
  };
  const setStatus = (rows: Row[], status: string) =>
    bulk(rows, { status }, t.bulkStatus.replace("{status}", t[`status_${status}` as keyof typeof t]));

  const markDone = async () => {
    if (selected.size > 0) return setStatus(targets(), "done");
    const row = open ?? items[keyRow()];
    if (!row || !canTriage(row.teamId)) return;
    try {
      changed(await saveStatus(row.teamId, open?.id === row.id ? open : row, "done"));
      toast(t.markedDone);
    } catch (error) {
      handleLostSession(error);
      toast(problemText(error), "danger");
    }
  };

  const toggle = (index: number, range: boolean) => {
    const row = items[index];
    if (!row || !canTriage(row.teamId)) return;
    const next = new Set(selected);
    const on = !selected.has(row.id);
    const [a, b] = range && anchor !== null ? [Math.min(anchor, index), Math.max(anchor, index)] : [index, index];
    for (let i = a; i <= b; i++) {
      const candidate = items[i];
      if (!candidate || !canTriage(candidate.teamId)) continue;
      if (on) next.add(candidate.id);
      else next.delete(candidate.id);
    }
    setSelected(next);
    setAnchor(index);
  };
  const selectable = items.filter((row) => canTriage(row.teamId));
  const allSelected = selectable.length > 0 && selectable.every((row) => selected.has(row.id));

  const pick = (kind: Picker["kind"]) => {
    const rows = targets().filter((row) => canTriage(row.teamId));
    if (rows.length > 0) setPicker({ kind, ids: rows.map((row) => row.id) });
  };

  // The listener is bound once and calls the latest handler (set at each render): a key pressed
  // right after another sees the state the first one left, not the state of an older render.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKey.current = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (picker || document.querySelector("dialog[open]")) return;
    if (event.key === "Escape") {
      if (help) setHelp(false);
      else if (typing(event.target)) (event.target as HTMLElement).blur();
      else if (selected.size > 0) setSelected(new Set());
      else setOpen(undefined);
      return;
    }
    if (typing(event.target)) return;
    // The row that has the focus is the truth (the state may lag a render behind a fast typist).
    const rows = [...document.querySelectorAll<HTMLElement>(".list .row")];
    const at = rows.indexOf(document.activeElement as HTMLElement);
    const from = keyRow();
    const move = (to: number) => {
      const next = Math.min(Math.max(to, 0), Math.max(items.length - 1, 0));
      setFocused(next);
      rows[next]?.focus();
    };
    // The first j focuses the first row.
    if (event.key === "j") move(at === -1 && focused === 0 ? 0 : from + 1);
    else if (event.key === "k") move(from - 1);
    else if (event.key === "Enter" && items[from] && !(event.target instanceof HTMLButtonElement))
      showItem(items[from]);
    else if (event.key === "e") markDone();
    else if (event.key === "x") toggle(from, false);
    else if (event.key === "a") pick("assign");
    else if (event.key === "l") pick("label");
    else if (event.key === "/") searchBox.current?.focus();
    else if (event.key === "?") setHelp(true);
    else return;
    event.preventDefault();
  };
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event);
    addEventListener("keydown", listener);
    return () => removeEventListener("keydown", listener);
  }, []);

  const filtered = FILTER_KEYS.some((k) => view[k]) || Boolean(view.q);
  const more = MORE_KEYS.filter((k) => view[k]).length;
  const teamOptions = shown.map((candidate) => ({ team: candidate, data: teamData.get(candidate.id) }));
  const grouped = (render: (d: TeamData) => ComponentChildren) =>
    all
      ? teamOptions.map(({ team: candidate, data }) =>
          data ? (
            <optgroup key={candidate.id} label={candidate.name}>
              {render(data)}
            </optgroup>
          ) : null,
        )
      : teamOptions.map(({ data }) => (data ? render(data) : null));
  const skippedText = skipped
    .map(
      (s) =>
        `${teams.find((candidate) => candidate.id === s.teamId)?.name ?? s.teamId} (${
          t[`skipped_${s.code}` as keyof typeof t] ?? s.code
        })`,
    )
    .join(", ");

  return (
    <div class={`split${open ? " has-item" : ""}`}>
      <section class="list" aria-label={t.inbox}>
        <div class="list-head">
          <h1>{t.inbox}</h1>
          {teams.length > 1 && (
            <select
              class="scope"
              aria-label={t.inboxScope}
              value={all ? "all" : team.id}
              onChange={(e) => {
                const value = (e.currentTarget as HTMLSelectElement).value;
                const cleared = Object.fromEntries(TEAM_KEYS.map((k) => [k, view[k] === "none" ? "none" : ""]));
                if (value === "all") change({ ...cleared, scope: "all" });
                else {
                  writeView({ ...view, ...cleared, scope: "" });
                  if (value === team.id) setView({ ...view, ...cleared, scope: "" });
                  else chooseTeam(value);
                }
              }}
            >
              <option value="all">{t.allTeams}</option>
              {teams.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </select>
          )}
        </div>
        <fieldset class="filters">
          <legend class="sr-only">{t.filterInbox}</legend>
          <form
            class="search"
            onSubmit={(e) => {
              e.preventDefault();
              change({ q: searchBox.current?.value.trim() ?? "" });
            }}
          >
            <input
              ref={searchBox}
              type="search"
              name="q"
              aria-label={t.search}
              placeholder={t.searchPlaceholder}
              defaultValue={view.q}
              maxLength={200}
            />
          </form>
          <select aria-label={t.status} value={view.status} onChange={(e) => change({ status: value(e) })}>
            <option value="">{t.allStatuses}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t[`status_${s}`]}
              </option>
            ))}
          </select>
          <select aria-label={t.project} value={view.projectId} onChange={(e) => change({ projectId: value(e) })}>
            <option value="">{t.allProjects}</option>
            {grouped((d) =>
              d.projects.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              )),
            )}
          </select>
          {anyTriage && (
            <select aria-label={t.assignee} value={view.assigneeId} onChange={(e) => change({ assigneeId: value(e) })}>
              <option value="">{t.anyAssignee}</option>
              <option value={me.id}>{t.assignedToMe}</option>
              <option value="none">{t.unassigned}</option>
              {grouped((d) =>
                d.members
                  .filter((m) => m.role !== "reporter" && m.userId !== me.id)
                  .map((m) => (
                    <option key={m.userId} value={m.userId}>
                      {m.displayName}
                    </option>
                  )),
              )}
            </select>
          )}
          {anyTriage && (
            <select aria-label={t.label} value={view.labelId} onChange={(e) => change({ labelId: value(e) })}>
              <option value="">{t.anyLabel}</option>
              {grouped((d) =>
                d.labels.map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.name}
                  </option>
                )),
              )}
            </select>
          )}
          <select
            aria-label={t.sortBy}
            value={view.sort || (view.q ? "relevance" : "newest")}
            onChange={(e) => {
              const chosen = value(e);
              change({ sort: chosen === (view.q ? "relevance" : "newest") ? "" : chosen });
            }}
          >
            {view.q && <option value="relevance">{t.sort_relevance}</option>}
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t[`sort_${s}`]}
              </option>
            ))}
          </select>
          <details
            class="more"
            open={moreOpen}
            onToggle={(e) => setMoreOpen((e.currentTarget as HTMLDetailsElement).open)}
          >
            <summary>{more > 0 ? t.moreFiltersOn.replace("{n}", String(more)) : t.moreFilters}</summary>
            <div class="more-grid">
              <label>
                {t.ratingFrom}
                <input
                  type="number"
                  min={0}
                  max={10}
                  inputMode="numeric"
                  value={view.ratingMin}
                  onChange={(e) => change({ ratingMin: value(e) })}
                />
              </label>
              <label>
                {t.ratingTo}
                <input
                  type="number"
                  min={0}
                  max={10}
                  inputMode="numeric"
                  value={view.ratingMax}
                  onChange={(e) => change({ ratingMax: value(e) })}
                />
              </label>
              <label>
                {t.dateFrom}
                <input type="date" value={view.from} onChange={(e) => change({ from: value(e) })} />
              </label>
              <label>
                {t.dateTo}
                <input type="date" value={view.to} onChange={(e) => change({ to: value(e) })} />
              </label>
              <label>
                {t.screenshot}
                <select
                  aria-label={t.screenshot}
                  value={view.hasScreenshot}
                  onChange={(e) => change({ hasScreenshot: value(e) })}
                >
                  <option value="">{t.anyScreenshot}</option>
                  <option value="1">{t.withScreenshot}</option>
                  <option value="0">{t.withoutScreenshot}</option>
                </select>
              </label>
            </div>
          </details>
          {filtered && (
            <button
              type="button"
              class="clear"
              onClick={() => {
                if (searchBox.current) searchBox.current.value = "";
                change({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, ""])), q: "" });
              }}
            >
              {t.clearFilters}
            </button>
          )}
        </fieldset>
        <p class="sr-only" role="status">
          {notice}
        </p>
        {skipped.length > 0 && <p class="notice">{t.skippedTeams.replace("{teams}", skippedText)}</p>}
        {anyTriage && items.length > 0 && (
          <div class={`list-bar${selected.size > 0 ? " active" : ""}`} role="toolbar" aria-label={t.bulkActions}>
            <label class="check">
              <input
                type="checkbox"
                checked={allSelected}
                indeterminate={selected.size > 0 && !allSelected}
                onChange={() => setSelected(allSelected ? new Set() : new Set(selectable.map((row) => row.id)))}
              />
              <span class="sr-only">{t.selectAll}</span>
            </label>
            {selected.size === 0 ? (
              <span class="muted">{t.shownCount.replace("{n}", String(items.length))}</span>
            ) : (
              <>
                <span class="count" aria-live="polite">
                  {t.selectedCount.replace("{n}", String(selected.size))}
                </span>
                <button type="button" class="quiet clear-selection" onClick={() => setSelected(new Set())}>
                  {t.clearSelection}
                </button>
                <div class="bar-actions">
                  <select
                    aria-label={t.setStatus}
                    value=""
                    disabled={busy}
                    onChange={(e) => {
                      const status = value(e);
                      (e.currentTarget as HTMLSelectElement).value = "";
                      if (status) setStatus(targets(), status);
                    }}
                  >
                    <option value="">{t.setStatus}</option>
                    {STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {t[`status_${s}`]}
                      </option>
                    ))}
                  </select>
                  <button type="button" disabled={busy} onClick={() => pick("assign")}>
                    {t.assign}
                  </button>
                  <button type="button" disabled={busy} onClick={() => pick("label")}>
                    {t.labelAction}
                  </button>
                  <button
                    type="button"
                    class="danger"
                    disabled={busy}
                    onClick={() => bulk(targets(), { trash: true }, t.bulkTrashed)}
                  >
                    {t.moveToTrash}
                  </button>
                </div>
              </>
            )}
          </div>
        )}
        {failure && (
          <p class="error" role="alert">
            {failure}
          </p>
        )}
        {loading && items.length === 0 && (
          <div role="status" aria-busy="true" class="rows-loading">
            <span class="sr-only">{t.working}</span>
            {[0, 1, 2, 3, 4].map((i) => (
              <div key={i} class="skeleton line" />
            ))}
          </div>
        )}
        {!loading && !failure && items.length === 0 && (
          <div class="empty-list">
            {filtered ? (
              <p class="empty">{t.noMatch}</p>
            ) : (
              <>
                <p class="empty">{t.inboxEmpty}</p>
                {team.role === "owner" && (
                  <a
                    class="button"
                    href="/projects"
                    onClick={(e) => {
                      e.preventDefault();
                      navigate("/projects");
                    }}
                  >
                    {t.setUpProject}
                  </a>
                )}
              </>
            )}
          </div>
        )}
        <ul class={anyTriage ? "selectable" : undefined} aria-label={t.inbox} aria-busy={loading ? "true" : undefined}>
          {items.map((row, index) => (
            <li key={row.id} class={selected.has(row.id) ? "picked" : undefined}>
              {canTriage(row.teamId) && (
                <input
                  type="checkbox"
                  class="row-check"
                  aria-label={t.selectItem.replace("{title}", cap(firstLine(row), 60))}
                  checked={selected.has(row.id)}
                  onClick={(e) => toggle(index, e.shiftKey)}
                />
              )}
              <button
                type="button"
                class={`row${index === focused ? " focused" : ""}`}
                aria-current={open?.id === row.id ? "true" : undefined}
                onFocus={() => setFocused(index)}
                onClick={() => showItem(row)}
              >
                <span class={`dot ${row.status}`} aria-hidden="true" />
                <span class="row-title">{firstLine(row)}</span>
                <time class="row-age" dateTime={row.createdAt} title={new Date(row.createdAt).toLocaleString()}>
                  {ago(row.createdAt)}
                </time>
                <span class="row-meta">
                  <span>{t[`status_${row.status}`]}</span>
                  <span class="row-project">{projectName.get(row.projectId) ?? "—"}</span>
                  {all && <span class="row-team">{teams.find((c) => c.id === row.teamId)?.name}</span>}
                  {row.rating && <Rating rating={row.rating} />}
                  {row.hasScreenshot && <ShotIcon />}
                  {row.labelIds.map((id) => {
                    const label = labelOf.get(id);
                    return label ? <LabelBadge key={id} label={label} /> : null;
                  })}
                  {row.assigneeId && (
                    <span
                      class="avatar"
                      title={t.assignedTo.replace("{name}", personOf.get(row.assigneeId)?.displayName ?? "?")}
                    >
                      <span aria-hidden="true">{initials(personOf.get(row.assigneeId)?.displayName ?? "?")}</span>
                      <span class="sr-only">
                        {t.assignedTo.replace("{name}", personOf.get(row.assigneeId)?.displayName ?? "?")}
                      </span>
                    </span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" class="more-rows" disabled={loading} onClick={() => load(cursor)}>
            {loading ? t.working : t.loadMore}
          </button>
        )}
        <p class="hint">{t.shortcutsHint}</p>
      </section>
      {open ? (
        <ItemView teamId={open.teamId} item={open} onBack={() => setOpen(undefined)} onChange={changed} />
      ) : (
        <section class="item-empty" aria-label={t.noItemOpen}>
          <svg viewBox="0 0 24 24" width="40" height="40" aria-hidden="true">
            <path d="M4 5h16v11H9l-5 4z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />
          </svg>
          <p>{items.length > 0 ? t.pickAnItem : t.nothingToOpen}</p>
          <p class="hint">
            <kbd>j</kbd> <kbd>k</kbd> {t.hintMove} · <kbd>Enter</kbd> {t.hintOpen} · <kbd>x</kbd> {t.hintSelect} ·{" "}
            <kbd>?</kbd> {t.hintAll}
          </p>
        </section>
      )}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      {picker && (
        <PickerDialog
          picker={picker}
          rows={items.filter((row) => picker.ids.includes(row.id))}
          teamData={teamData}
          onClose={() => setPicker(undefined)}
          onLabelCreated={reloadTeam}
          apply={(body, done) =>
            bulk(
              items.filter((row) => picker.ids.includes(row.id)),
              body,
              done,
            )
          }
        />
      )}
    </div>
  );
}

const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;

function Rating({ rating }: { rating: NonNullable<Row["rating"]> }) {
  const text =
    rating.scale === "nps"
      ? t.ratingNps.replace("{n}", String(rating.value))
      : t.ratingOf.replace("{n}", String(rating.value));
  return (
    <span class="row-rating" title={text}>
      <span aria-hidden="true">{rating.scale === "nps" ? `NPS ${rating.value}` : `★ ${rating.value}`}</span>
      <span class="sr-only">{text}</span>
    </span>
  );
}

function ShotIcon() {
  return (
    <svg class="shot-icon" viewBox="0 0 16 16" width="14" height="14" role="img" aria-label={t.hasScreenshot}>
      <title>{t.hasScreenshot}</title>
      <rect x="1.5" y="3" width="13" height="10" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.3" />
      <circle cx="8" cy="8" r="2.3" fill="none" stroke="currentColor" stroke-width="1.3" />
    </svg>
  );
}

/** A label as a badge: its name, with its colour as a swatch (set through CSSOM: the CSP has no inline styles). */
function LabelBadge({ label }: { label: Label }) {
  return (
    <span class="label-badge">
      <span
        class="swatch"
        aria-hidden="true"
        ref={(el) => {
          el?.style.setProperty("--swatch", label.color);
        }}
      />
      {label.name}
    </span>
  );
}

const LABEL_COLOURS = ["#cf222e", "#bf8700", "#1a7f37", "#0969da", "#8250df", "#bf3989", "#57606a"];

/** The assignee or label picker of the `a` and `l` shortcuts (and the bulk bar): type to narrow, Enter picks. */
function PickerDialog(props: {
  picker: Picker;
  rows: Row[];
  teamData: Map<string, TeamData>;
  onClose: () => void;
  onLabelCreated: (teamId: string) => Promise<void>;
  apply: (body: Record<string, unknown>, done: string) => Promise<void>;
}) {
  const { picker, rows } = props;
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const teamIds = [...new Set(rows.map((row) => row.teamId))];
  const data = teamIds.length === 1 ? props.teamData.get(teamIds[0]!) : undefined;
  const needle = filter.trim().toLowerCase();
  const title = (picker.kind === "assign" ? t.assignTitle : t.labelTitle).replace("{n}", String(rows.length));
  const choose = async (body: Record<string, unknown>, done: string, close = true) => {
    setError(undefined);
    await props.apply(body, done);
    if (close) props.onClose();
  };
  const people = (data?.members ?? []).filter(
    (m) => m.role !== "reporter" && `${m.displayName} ${m.email}`.toLowerCase().includes(needle),
  );
  const labels = (data?.labels ?? []).filter((l) => l.name.toLowerCase().includes(needle));
  const exact = (data?.labels ?? []).some((l) => l.name.toLowerCase() === needle);
  const create = async () => {
    const teamId = teamIds[0]!;
    try {
      const made = await api<Label>("POST", `/teams/${teamId}/labels`, {
        name: filter.trim(),
        color: LABEL_COLOURS[(data?.labels.length ?? 0) % LABEL_COLOURS.length],
      });
      await props.onLabelCreated(teamId);
      setFilter("");
      await choose({ addLabelIds: [made.id] }, t.bulkLabelled.replace("{label}", made.name), false);
    } catch (failure) {
      setError(
        failure instanceof ApiError
          ? (failure.problem.errors?.[0]?.message ?? problemText(failure))
          : problemText(failure),
      );
    }
  };
  const first = () => {
    if (picker.kind === "assign" && people[0])
      choose({ assigneeId: people[0].userId }, t.bulkAssigned.replace("{name}", people[0].displayName));
    else if (picker.kind === "label" && labels[0]) toggleLabel(labels[0]);
    else if (picker.kind === "label" && needle && !exact) create();
  };
  const toggleLabel = (label: Label) => {
    const everyone = rows.every((row) => row.labelIds.includes(label.id));
    return choose(
      everyone ? { removeLabelIds: [label.id] } : { addLabelIds: [label.id] },
      (everyone ? t.bulkUnlabelled : t.bulkLabelled).replace("{label}", label.name),
      false,
    );
  };
  return (
    <Dialog title={title} onClose={props.onClose}>
      {!data ? (
        <p>{t.oneTeamOnly}</p>
      ) : (
        <div class="picker">
          <input
            type="search"
            aria-label={picker.kind === "assign" ? t.findPerson : t.findLabel}
            placeholder={picker.kind === "assign" ? t.findPerson : t.findLabel}
            value={filter}
            maxLength={50}
            onInput={(e) => setFilter((e.currentTarget as HTMLInputElement).value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                first();
              }
            }}
          />
          {picker.kind === "assign" ? (
            <ul class="options" aria-label={t.assignee}>
              <li>
                <button type="button" onClick={() => choose({ assigneeId: null }, t.bulkUnassigned)}>
                  <span class="avatar none" aria-hidden="true" />
                  {t.nobody}
                </button>
              </li>
              {people.map((m) => (
                <li key={m.userId}>
                  <button
                    type="button"
                    onClick={() => choose({ assigneeId: m.userId }, t.bulkAssigned.replace("{name}", m.displayName))}
                  >
                    <span class="avatar" aria-hidden="true">
                      {initials(m.displayName)}
                    </span>
                    {m.displayName}
                    <span class="muted">{m.email}</span>
                  </button>
                </li>
              ))}
            </ul>
          ) : (
            <ul class="options" aria-label={t.labels}>
              {labels.map((l) => {
                const count = rows.filter((row) => row.labelIds.includes(l.id)).length;
                return (
                  <li key={l.id}>
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={count === rows.length}
                        indeterminate={count > 0 && count < rows.length}
                        onChange={() => toggleLabel(l)}
                      />
                      <LabelBadge label={l} />
                    </label>
                  </li>
                );
              })}
              {needle && !exact && (
                <li>
                  <button type="button" onClick={create}>
                    {t.createLabelNamed.replace("{name}", filter.trim())}
                  </button>
                </li>
              )}
            </ul>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </div>
      )}
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          {t.close}
        </button>
      </div>
    </Dialog>
  );
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const keys: [string, string][] = [
    ["j / k", t.keyMove],
    ["Enter", t.keyOpen],
    ["x", t.keySelect],
    ["Shift + click", t.keyRange],
    ["e", t.keyDone],
    ["a", t.keyAssign],
    ["l", t.keyLabel],
    ["/", t.keySearch],
    ["Esc", t.keyClose],
    ["?", t.keyHelp],
  ];
  return (
    <Dialog title={t.shortcuts} onClose={onClose}>
      <dl class="keys">
        {keys.map(([key, what]) => (
          <>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{what}</dd>
          </>
        ))}
      </dl>
      <div class="actions">
        <button type="button" onClick={onClose}>
          {t.close}
        </button>
      </div>
    </Dialog>
  );
}
