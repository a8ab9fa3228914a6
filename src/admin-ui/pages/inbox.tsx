import { useEffect, useRef, useState } from "preact/hooks";
import { type Annotation, drawAnnotations } from "../../shared/annotation-draw.ts";
import { STATUSES } from "../../shared/feedback-constants.ts";
import { ApiError, api } from "../api.ts";
import { t } from "../i18n.ts";
import { Shell, type Team } from "../shell.tsx";

type Item = {
  id: string;
  projectId: string;
  title: string | null;
  comment: string;
  status: (typeof STATUSES)[number];
  pageUrl: string | null;
  metadata: Record<string, unknown>;
  customData: Record<string, unknown>;
  reporter: { email: string | null; anonymousId: string | null };
  hasScreenshot: boolean;
  version: number;
  createdAt: string;
  screenshot?: { width: number; height: number; annotations: Annotation[] } | null;
};

const ago = (iso: string) => {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 60) return `${Math.max(minutes, 0)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
};
/** Only web links from feedback become links (never javascript: or data:). */
const webUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined);
const firstLine = (item: Item) => item.title ?? item.comment.split("\n")[0]!;

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

/** Sends the new status with the version the user saw (If-Match): a stale write is refused, not applied. */
async function saveStatus(teamId: string, item: Item, status: string): Promise<Item> {
  const response = await fetch(`/api/v1/teams/${teamId}/feedback/${item.id}`, {
    method: "PATCH",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "loupe-ui", "If-Match": `"v${item.version}"` },
    body: JSON.stringify({ status }),
  });
  const answer = await response.json();
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

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
      const move = (to: number) => {
        const next = Math.min(Math.max(to, 0), Math.max(items.length - 1, 0));
        setFocused(next);
        document.querySelectorAll<HTMLElement>(".list .row")[next]?.focus();
      };
      if (event.key === "j") move(focused + 1);
      else if (event.key === "k") move(focused - 1);
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

function ItemView(props: { teamId: string; item: Item; onBack: () => void; onChange: (item: Item) => void }) {
  const { item } = props;
  const [error, setError] = useState<string | undefined>(undefined);
  const setStatus = async (status: string) => {
    setError(undefined);
    try {
      props.onChange(await saveStatus(props.teamId, item, status));
    } catch (failure) {
      setError(failure instanceof ApiError ? (failure.problem.detail ?? failure.problem.code) : String(failure));
    }
  };
  const link = webUrl(item.pageUrl);
  const meta = item.metadata as { browser?: string; os?: string; viewport?: { width: number; height: number } };
  return (
    <article class="item" aria-labelledby="item-title">
      <button type="button" class="back" onClick={props.onBack}>
        ← {t.inbox}
      </button>
      <h2 id="item-title">{firstLine(item)}</h2>
      {item.hasScreenshot && item.screenshot && <Screenshot teamId={props.teamId} item={item} />}
      <p class="comment">{item.comment}</p>
      <label>
        {t.status}
        <select value={item.status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t[`status_${s}`]}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <dl class="facts">
        <dt>{t.page}</dt>
        <dd>
          {link ? (
            <a href={link} target="_blank" rel="noopener noreferrer">
              {link}
            </a>
          ) : (
            (item.pageUrl ?? "—")
          )}
        </dd>
        <dt>{t.device}</dt>
        <dd>
          {[meta.browser, meta.os, meta.viewport && `${meta.viewport.width}×${meta.viewport.height}`]
            .filter(Boolean)
            .join(" · ") || "—"}
        </dd>
        <dt>{t.reporter}</dt>
        <dd>{item.reporter.email ?? t.anonymous}</dd>
      </dl>
      {Object.keys(item.customData).length > 0 && <pre class="data">{JSON.stringify(item.customData, null, 2)}</pre>}
    </article>
  );
}

/** The screenshot (fetched as a blob from the authenticated route) with its annotations as a toggleable overlay. */
function Screenshot(props: { teamId: string; item: Item }) {
  const [src, setSrc] = useState<string | undefined>(undefined);
  const [overlay, setOverlay] = useState(true);
  const canvas = useRef<HTMLCanvasElement>(null);
  const shot = props.item.screenshot!;
  useEffect(() => {
    let url: string | undefined;
    fetch(`/api/v1/teams/${props.teamId}/feedback/${props.item.id}/screenshot`, { credentials: "same-origin" })
      .then((r) => r.blob())
      .then((blob) => {
        url = URL.createObjectURL(blob);
        setSrc(url);
      });
    return () => url && URL.revokeObjectURL(url);
  }, [props.item.id]);
  useEffect(() => {
    const g = canvas.current?.getContext("2d");
    if (!g) return;
    g.clearRect(0, 0, shot.width, shot.height);
    if (overlay) drawAnnotations(g, shot.annotations, 1, Math.max(3, shot.width / 320));
  }, [overlay, src]);
  return (
    <figure class="shot">
      <div class="shot-frame">
        {src && <img src={src} alt={t.screenshot} width={shot.width} height={shot.height} />}
        <canvas ref={canvas} width={shot.width} height={shot.height} />
      </div>
      <label class="inline">
        <input type="checkbox" checked={overlay} onChange={() => setOverlay(!overlay)} /> {t.showAnnotations}
      </label>
    </figure>
  );
}
