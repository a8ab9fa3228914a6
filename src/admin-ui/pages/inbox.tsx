import { useEffect, useRef, useState } from "preact/hooks";
import { STATUSES } from "../../shared/feedback-constants.ts";
import { ApiError, api } from "../api.ts";
import { t } from "../i18n.ts";
import { onLive } from "../live.ts";
import { Shell, type Team } from "../shell.tsx";
import { ago, firstLine, type Item, ItemView, saveStatus } from "./item.tsx";

/** The inbox: the team's feedback on the left, the selected item on the right (one column on a phone). */
export function InboxPage() {
  return <Shell>{(team) => <Inbox team={team} />}</Shell>;
}

/** The view's filter lives in the URL's query, so a view can be bookmarked and shared. */
type View = { q: string; status: string; projectId: string };
const FILTER_KEYS = ["q", "status", "projectId"] as const;
const readView = (): View => {
  const query = new URLSearchParams(location.search);
  return { q: query.get("q") ?? "", status: query.get("status") ?? "", projectId: query.get("projectId") ?? "" };
};
const writeView = (view: View) => {
  const query = new URLSearchParams();
  for (const key of FILTER_KEYS) if (view[key]) query.set(key, view[key]);
  const search = query.toString();
  history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
};

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

function Inbox({ team }: { team: Team }) {
  const [view, setView] = useState<View>(readView);
  const [items, setItems] = useState<Item[]>([]);
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [focused, setFocused] = useState(0);
  const [selected, setSelected] = useState<Item | undefined>(undefined);
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const searchBox = useRef<HTMLInputElement>(null);
  const load = async (from: string | null) => {
    setLoading(true);
    try {
      if (view.q) {
        // Search answers one ranked page; the filters narrow it here.
        const found = await api<{ items: Item[] }>(
          "GET",
          `/teams/${team.id}/feedback/search?q=${encodeURIComponent(view.q)}&limit=100`,
        );
        setItems(
          found.items.filter(
            (i) => (!view.status || i.status === view.status) && (!view.projectId || i.projectId === view.projectId),
          ),
        );
        setCursor(null);
        return;
      }
      const query = new URLSearchParams({ limit: "50" });
      if (view.status) query.set("status", view.status);
      if (view.projectId) query.set("projectId", view.projectId);
      if (from) query.set("cursor", from);
      const page = await api<{ items: Item[]; nextCursor: string | null }>(
        "GET",
        `/teams/${team.id}/feedback?${query}`,
      );
      setItems((shown) => (from ? [...shown, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => {
    api<{ projects: { id: string; name: string }[] }>("GET", `/teams/${team.id}/projects`).then((p) =>
      setProjects(p.projects),
    );
  }, [team.id]);
  useEffect(() => {
    writeView(view);
    setFocused(0);
    load(null);
  }, [team.id, view.q, view.status, view.projectId]);
  // Live updates (src/admin-ui/live.ts; ids only, details through the item route): a new item of this
  // team goes on top (with a filter or search on, the first page reloads); a shown item's row is
  // refreshed, and leaves the list once trashed; missed events reload the first page.
  useEffect(
    () =>
      onLive((event) => {
        if (event.type === "resync") return void load(null);
        if (event.teamId !== team.id) return;
        const shown = items.some((i) => i.id === event.itemId);
        const fetchItem = () =>
          api<Item & { deletedAt?: string | null }>("GET", `/teams/${team.id}/feedback/${event.itemId}`);
        const drop = () => {
          const index = items.findIndex((i) => i.id === event.itemId);
          setItems((rows) => rows.filter((i) => i.id !== event.itemId));
          if (index >= 0) setFocused((f) => (index < f ? f - 1 : f));
        };
        const gone = (error: unknown) => error instanceof ApiError && error.status === 404 && drop();
        if (event.type === "feedback.created" && !shown) {
          if (view.q || view.status || view.projectId) return void load(null);
          fetchItem().then((item) => {
            setItems((rows) => (rows.some((i) => i.id === item.id) ? rows : [item, ...rows]));
            // The focused row stays the same item (e acts on it).
            if (items.length > 0) setFocused((f) => f + 1);
            setNotice(t.liveNewItem);
          }, gone);
        } else if (event.type === "feedback.updated" && shown) {
          fetchItem().then(
            (item) =>
              item.deletedAt ? drop() : setItems((rows) => rows.map((i) => (i.id === item.id ? { ...i, ...item } : i))),
            gone,
          );
        }
      }),
    [team.id, view.q, view.status, view.projectId, items],
  );
  const open = async (id: string) => setSelected(await api<Item>("GET", `/teams/${team.id}/feedback/${id}`));
  const changed = (item: Item) => {
    setSelected((shown) => (shown?.id === item.id ? { ...shown, ...item } : shown));
    setItems((shown) => shown.map((i) => (i.id === item.id ? { ...i, ...item } : i)));
  };
  const markDone = async () => {
    const item = selected ?? items[focused];
    if (!item) return;
    try {
      changed(await saveStatus(team.id, item, "done"));
      setNotice(t.markedDone);
    } catch (error) {
      setNotice(error instanceof ApiError ? (error.problem.detail ?? error.problem.code) : String(error));
    }
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "Escape") {
        if (help) setHelp(false);
        else if (typing(event.target)) (event.target as HTMLElement).blur();
        else setSelected(undefined);
        return;
      }
      if (typing(event.target)) return;
      // The row that has the focus is the truth (the state may lag a render behind a fast typist).
      const rows = [...document.querySelectorAll<HTMLElement>(".list .row")];
      const at = rows.indexOf(document.activeElement as HTMLElement);
      const move = (step: number) => {
        const next = Math.min(Math.max((at === -1 ? focused : at) + step, 0), Math.max(rows.length - 1, 0));
        setFocused(next);
        rows[next]?.focus();
      };
      if (event.key === "j") move(at === -1 && focused === 0 ? 0 : 1);
      else if (event.key === "k") move(-1);
      else if (event.key === "Enter" && items[focused] && !(event.target instanceof HTMLButtonElement))
        open(items[focused].id);
      else if (event.key === "e") markDone();
      else if (event.key === "/") searchBox.current?.focus();
      else if (event.key === "?") setHelp(true);
      else return;
      event.preventDefault();
    };
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [items, focused, selected, help]);
  const filtered = Boolean(view.q || view.status || view.projectId);
  return (
    <div class={`split${selected ? " has-item" : ""}`}>
      <section class="list" aria-label={t.inbox}>
        <h1>{t.inbox}</h1>
        <form
          class="filters"
          aria-label={t.filterInbox}
          onSubmit={(e) => {
            e.preventDefault();
            setView({ ...view, q: searchBox.current?.value.trim() ?? "" });
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
          <select
            aria-label={t.status}
            value={view.status}
            onChange={(e) => setView({ ...view, status: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">{t.allStatuses}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t[`status_${s}`]}
              </option>
            ))}
          </select>
          <select
            aria-label={t.project}
            value={view.projectId}
            onChange={(e) => setView({ ...view, projectId: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">{t.allProjects}</option>
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </form>
        <p class="sr-only" role="status">
          {notice}
        </p>
        {loading && items.length === 0 && <div class="skeleton" aria-busy="true" />}
        {!loading && items.length === 0 && <p class="empty">{filtered ? t.noMatch : t.inboxEmpty}</p>}
        <ul aria-label={t.inbox}>
          {items.map((item, index) => (
            <li key={item.id}>
              <button
                type="button"
                class={`row${index === focused ? " focused" : ""}`}
                aria-current={selected?.id === item.id ? "true" : undefined}
                onFocus={() => setFocused(index)}
                onClick={() => open(item.id)}
              >
                <span class={`dot ${item.status}`} aria-hidden="true" />
                <span class="row-title">{firstLine(item)}</span>
                <span class="row-meta">
                  {t[`status_${item.status}`]} · {item.pageUrl ? new URL(item.pageUrl).pathname : "—"} ·{" "}
                  {ago(item.createdAt)}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {cursor && (
          <button type="button" disabled={loading} onClick={() => load(cursor)}>
            {loading ? t.working : t.loadMore}
          </button>
        )}
        <p class="hint">{t.shortcutsHint}</p>
      </section>
      {selected && (
        <ItemView teamId={team.id} item={selected} onBack={() => setSelected(undefined)} onChange={changed} />
      )}
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </div>
  );
}

function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const keys: [string, string][] = [
    ["j / k", t.keyMove],
    ["Enter", t.keyOpen],
    ["e", t.keyDone],
    ["/", t.keySearch],
    ["Esc", t.keyClose],
    ["?", t.keyHelp],
  ];
  return (
    <dialog ref={dialog} aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">{t.shortcuts}</h2>
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
      <button type="button" onClick={onClose}>
        {t.close}
      </button>
    </dialog>
  );
}
