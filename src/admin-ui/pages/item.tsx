import { useEffect, useRef, useState } from "preact/hooks";
import { type Annotation, drawAnnotations } from "../../shared/annotation-draw.ts";
import { STATUSES } from "../../shared/feedback-constants.ts";
import { ApiError } from "../api.ts";
import { t } from "../i18n.ts";

export type Item = {
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

export const ago = (iso: string) => {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 60) return `${Math.max(minutes, 0)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
};
/** Only web links from feedback become links (never javascript: or data:). */
export const webUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined);
export const firstLine = (item: Item) => item.title ?? item.comment.split("\n")[0]!;

/** Sends the new status with the version the user saw (If-Match): a stale write is refused, not applied. */
export async function saveStatus(teamId: string, item: Item, status: string): Promise<Item> {
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

/** One feedback item: what the reporter sent, and its triage. */
export function ItemView(props: { teamId: string; item: Item; onBack: () => void; onChange: (item: Item) => void }) {
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
