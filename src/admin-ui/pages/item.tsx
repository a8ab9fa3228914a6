import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { type Annotation, drawAnnotations } from "../../shared/annotation-draw.ts";
import type { HistoryEntry } from "../../shared/feedback.ts";
import { STATUSES } from "../../shared/feedback-constants.ts";
import { ApiError, api } from "../api.ts";
import { ConfirmButton, problemText, toast } from "../components.tsx";
import { t } from "../i18n.ts";
import { onLive } from "../live.ts";
import { handleLostSession } from "../shell.tsx";

type Status = (typeof STATUSES)[number];
export type Item = {
  id: string;
  projectId: string;
  title: string | null;
  comment: string;
  status: Status;
  rating?: { scale: "stars" | "emoji" | "nps"; value: number } | null;
  pageUrl: string | null;
  metadata: Record<string, unknown>;
  customData: Record<string, unknown>;
  reporter: { userId?: string | null; email: string | null; anonymousId: string | null; ip?: string | null };
  assigneeId?: string | null;
  labelIds?: string[];
  hasScreenshot: boolean;
  version: number;
  createdAt: string;
  updatedAt?: string;
  deletedAt?: string | null;
  screenshot?: { width: number; height: number; annotations: Annotation[] } | null;
};
type Member = { userId: string; displayName: string; email: string; role: "owner" | "member" | "reporter" };
type Label = { id: string; name: string; color: string };
type Note = { id: string; authorId: string | null; body: string; createdAt: string };
type Reach = { email: boolean; account: boolean };
type Role = "owner" | "member" | "reporter" | null;

export const ago = (iso: string) => {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60_000);
  if (minutes < 60) return `${Math.max(minutes, 0)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1440)} d`;
};
/** Only web links from feedback become links (never javascript: or data:). */
export const webUrl = (url: string | null) => (url && /^https?:\/\//i.test(url) ? url : undefined);
export const firstLine = (item: Item) => item.title ?? item.comment.split("\n")[0]!;

/** A relative time with the exact one on hover. */
function When({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {ago(iso)}
    </time>
  );
}
/** The API's refusal in words: the field's message where it names one, else its detail. */
const refusal = (failure: unknown) =>
  failure instanceof ApiError && failure.problem.errors?.length
    ? failure.problem.errors.map((e) => e.message).join(" ")
    : problemText(failure);
const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

type Changes = { status?: string; assigneeId?: string | null; labelIds?: string[] };

/** Sends triage changes with the version the user saw (If-Match): a stale write is refused (412), not applied. */
export async function patchItem(teamId: string, item: Item, changes: Changes): Promise<Item> {
  const response = await fetch(`/api/v1/teams/${teamId}/feedback/${item.id}`, {
    method: "PATCH",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Requested-With": "loupe-ui", "If-Match": `"v${item.version}"` },
    body: JSON.stringify(changes),
  });
  const answer = await response.json().catch(() => ({ code: "NETWORK" }));
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}
export const saveStatus = (teamId: string, item: Item, status: string) => patchItem(teamId, item, { status });

/** The caller's role in the team and id: what decides which controls the item view offers. */
const whoAmI = (teamId: string) =>
  Promise.all([api<{ role: Role }>("GET", `/teams/${teamId}`), api<{ user: { id: string } }>("GET", "/me")]).then(
    ([team, me]) => ({ role: team.role, meId: me.user.id }),
  );

/** Bumped for an item whose comments, messages or history changed elsewhere (live updates). */
const touched = signal<{ id: string; n: number } | undefined>(undefined);
/** Reloads the open item's threads and history when it is `itemId` (for live updates). */
export function refreshItemView(itemId: string): void {
  touched.value = { id: itemId, n: (touched.value?.n ?? 0) + 1 };
}
const touchedFor = (itemId: string) => (touched.value?.id === itemId ? touched.value.n : 0);

/**
 * What the user wants changed, as intent: labels as additions and removals, so the same change can
 * be applied on top of someone else's (a conflict) without undoing theirs.
 */
type Intent = { status?: Status; assigneeId?: string | null; addLabels?: string[]; removeLabels?: string[] };
const applyIntent = (item: Item, intent: Intent): Changes => {
  const changes: Changes = {};
  if (intent.status !== undefined) changes.status = intent.status;
  if (intent.assigneeId !== undefined) changes.assigneeId = intent.assigneeId;
  if (intent.addLabels || intent.removeLabels) {
    const next = (item.labelIds ?? []).filter((id) => !intent.removeLabels?.includes(id));
    for (const id of intent.addLabels ?? []) if (!next.includes(id)) next.push(id);
    changes.labelIds = next;
  }
  return changes;
};
type Conflict = { intent: Intent; theirs: string[] };

const NEXT_STEP: Record<Status, [Status, keyof typeof t]> = {
  new: ["in_progress", "itemNextStart"],
  in_progress: ["done", "itemNextDone"],
  done: ["new", "itemReopen"],
  closed: ["new", "itemReopen"],
  spam: ["new", "itemReopen"],
};

/**
 * One feedback item: what the reporter sent (screenshot with its annotations, page, device, console,
 * custom data) and, for members and owners, its triage, internal comments, conversation with the
 * reporter and history. A reporter sees their own item and the conversation only.
 */
export function ItemView(props: { teamId: string; item: Item; onBack: () => void; onChange: (item: Item) => void }) {
  const { teamId, item } = props;
  const [who, setWho] = useState<{ role: Role; meId: string } | undefined>(undefined);
  const [members, setMembers] = useState<Member[] | undefined>(undefined);
  const [labels, setLabels] = useState<Label[]>([]);
  const [historyKey, setHistoryKey] = useState(0);
  useEffect(() => {
    whoAmI(teamId).then(setWho, handleLostSession);
  }, [teamId]);
  const team = who !== undefined && who.role !== "reporter";
  const canTriage = who?.role === "owner" || who?.role === "member";
  useEffect(() => {
    if (!canTriage) return;
    api<{ members: Member[] }>("GET", `/teams/${teamId}/members`).then((m) => setMembers(m.members), handleLostSession);
    api<{ labels: Label[] }>("GET", `/teams/${teamId}/labels`).then((l) => setLabels(l.labels), handleLostSession);
  }, [teamId, canTriage]);
  // Names, not "you": the history's sentences read (and conjugate) the same for everyone.
  const nameOf = (id: string | null | undefined): string => {
    if (!id) return t.itemVisitor;
    const known = members?.find((m) => m.userId === id)?.displayName;
    if (known) return known;
    if (id === who?.meId) return t.itemYou;
    // Without the member list (support access may not read it) a name is unknown, not gone.
    return members ? t.itemFormerMember : t.itemTeamMember;
  };
  // A new version reloads the history by itself (History watches it).
  const changed = (next: Item) => props.onChange(next);
  // Live: someone else's comment or message on this item shows up without a reload. Their triage
  // does not replace what this view shows: a save on the old version explains what changed (412).
  useEffect(
    () =>
      onLive((event) => {
        if (event.type === "resync" || event.itemId !== item.id || event.teamId !== teamId) return;
        if (event.type === "comment.created" || event.type === "message.created") refreshItemView(item.id);
      }),
    [teamId, item.id],
  );
  return (
    <article class="item area-item" aria-labelledby="item-title">
      <button type="button" class="back" onClick={props.onBack}>
        ← {t.inbox}
      </button>
      <header class="item-head">
        <div>
          <h2 id="item-title">{firstLine(item)}</h2>
          <p class="item-sub">
            <span class={`dot ${item.status}`} aria-hidden="true" /> {t[`status_${item.status}`]} · {t.itemReceived}{" "}
            <When iso={item.createdAt} />
          </p>
        </div>
        {canTriage && !item.deletedAt && (
          <ConfirmButton
            label={t.itemTrash}
            question={t.itemTrashQuestion}
            confirm={t.itemTrashConfirm}
            action={async () => {
              await api("DELETE", `/teams/${teamId}/feedback/${item.id}`);
              changed(await api<Item>("GET", `/teams/${teamId}/feedback/${item.id}`));
              toast(t.itemTrashed);
            }}
          />
        )}
      </header>
      {item.deletedAt && <TrashBanner teamId={teamId} item={item} canRestore={canTriage} onChange={changed} />}
      {canTriage && who && (
        <Triage
          teamId={teamId}
          item={item}
          meId={who.meId}
          members={members ?? []}
          labels={labels}
          onLabels={setLabels}
          nameOf={nameOf}
          onChange={changed}
        />
      )}
      {item.hasScreenshot && item.screenshot && <Screenshot teamId={teamId} item={item} />}
      {/* Without a title the heading is the comment's first line: not said twice. */}
      {(item.title !== null || item.comment.includes("\n")) && <p class="comment">{item.comment}</p>}
      <Facts item={item} reporterName={item.reporter.userId ? nameOf(item.reporter.userId) : undefined} />
      <ConsoleEntries metadata={item.metadata} />
      <CustomData item={item} />
      {who && (
        <div class="threads">
          {team && (
            <Comments
              teamId={teamId}
              item={item}
              canWrite={canTriage}
              nameOf={nameOf}
              onAdded={() => setHistoryKey((k) => k + 1)}
            />
          )}
          <Messages
            teamId={teamId}
            item={item}
            reporterView={!team}
            canWrite={!team || canTriage}
            meId={who.meId}
            nameOf={nameOf}
            onAdded={() => setHistoryKey((k) => k + 1)}
          />
        </div>
      )}
      {team && <History teamId={teamId} item={item} refresh={historyKey} nameOf={nameOf} labels={labels} />}
    </article>
  );
}

/** A history entry (or a conflicting change) as sentences: "Ana changed the status from New to Done". */
function describeEntry(
  entry: HistoryEntry,
  nameOf: (id: string | null | undefined) => string,
  labelName: (id: string) => string,
  reporterId: string | null | undefined,
): string[] {
  const who = nameOf(entry.actorId);
  const { changes } = entry;
  switch (entry.action) {
    case "feedback.created":
      return [fill(t.itemHistoryCreated, { who })];
    case "feedback.trashed":
      return [fill(t.itemHistoryTrashed, { who })];
    case "feedback.restored":
      return [fill(t.itemHistoryRestored, { who })];
    case "feedback.comment_added":
      return [fill(t.itemHistoryComment, { who })];
    case "feedback.message_added":
      return [
        fill(entry.actorId && entry.actorId === reporterId ? t.itemHistoryReporterMessage : t.itemHistoryReply, {
          who,
        }),
      ];
  }
  const out: string[] = [];
  if (changes.status)
    out.push(
      fill(t.itemHistoryStatus, {
        who,
        from: t[`status_${changes.status.from}`],
        to: t[`status_${changes.status.to}`],
      }),
    );
  if (changes.assigneeId)
    out.push(
      changes.assigneeId.to
        ? fill(t.itemHistoryAssigned, { who, name: nameOf(changes.assigneeId.to) })
        : fill(t.itemHistoryUnassigned, { who, name: nameOf(changes.assigneeId.from) }),
    );
  for (const id of changes.labels?.added ?? []) out.push(fill(t.itemHistoryLabelAdded, { who, name: labelName(id) }));
  for (const id of changes.labels?.removed ?? [])
    out.push(fill(t.itemHistoryLabelRemoved, { who, name: labelName(id) }));
  return out.length > 0 ? out : [fill(t.itemHistoryTriaged, { who })];
}

function Triage(props: {
  teamId: string;
  item: Item;
  meId: string;
  members: Member[];
  labels: Label[];
  onLabels: (labels: Label[]) => void;
  nameOf: (id: string | null | undefined) => string;
  onChange: (item: Item) => void;
}) {
  const { teamId, item, labels } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ control: "status" | "assignee" | "labels"; text: string } | undefined>();
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const [labelText, setLabelText] = useState("");
  const [saved, setSaved] = useState(false);
  const labelName = (id: string) => labels.find((l) => l.id === id)?.name ?? t.itemDeletedLabel;
  const trashed = Boolean(item.deletedAt);
  useEffect(() => {
    setConflict(undefined);
    setError(undefined);
    setLabelText("");
    setSaved(false);
  }, [item.id]);

  /** What others changed since `seen`: from the history (who and what), else from comparing the fields. */
  const explain = async (seen: Item, current: Item): Promise<string[]> => {
    try {
      const page = await api<{ entries: HistoryEntry[] }>("GET", `/teams/${teamId}/feedback/${item.id}/history`);
      const after = page.entries.filter((e) => e.version !== null && e.version > seen.version).reverse();
      const lines = after.flatMap((e) => describeEntry(e, props.nameOf, labelName, item.reporter.userId));
      if (lines.length > 0) return lines;
    } catch {
      // The comparison below still says what changed.
    }
    const who = t.itemSomeone;
    const lines: string[] = [];
    if (current.status !== seen.status)
      lines.push(
        fill(t.itemHistoryStatus, { who, from: t[`status_${seen.status}`], to: t[`status_${current.status}`] }),
      );
    if ((current.assigneeId ?? null) !== (seen.assigneeId ?? null))
      lines.push(
        current.assigneeId
          ? fill(t.itemHistoryAssigned, { who, name: props.nameOf(current.assigneeId) })
          : fill(t.itemHistoryUnassigned, { who, name: props.nameOf(seen.assigneeId) }),
      );
    const before = seen.labelIds ?? [];
    const now = current.labelIds ?? [];
    for (const id of now.filter((l) => !before.includes(l)))
      lines.push(fill(t.itemHistoryLabelAdded, { who, name: labelName(id) }));
    for (const id of before.filter((l) => !now.includes(l)))
      lines.push(fill(t.itemHistoryLabelRemoved, { who, name: labelName(id) }));
    return lines.length > 0 ? lines : [t.itemConflictUnknown];
  };

  const save = async (intent: Intent, control: "status" | "assignee" | "labels", base = item) => {
    setBusy(true);
    setError(undefined);
    setSaved(false);
    try {
      const next = await patchItem(teamId, base, applyIntent(base, intent));
      setConflict(undefined);
      props.onChange(next);
      setSaved(true);
    } catch (failure) {
      handleLostSession(failure);
      if (failure instanceof ApiError && failure.status === 412) {
        // Someone saved first: show theirs (never overwrite it silently) and say what they changed.
        try {
          const current = await api<Item>("GET", `/teams/${teamId}/feedback/${item.id}`);
          const theirs = await explain(base, current);
          props.onChange(current);
          setConflict({ intent, theirs });
        } catch (reload) {
          setError({ control, text: problemText(reload) });
        }
      } else setError({ control, text: refusal(failure) });
    } finally {
      setBusy(false);
    }
  };

  const addLabel = async (event: Event) => {
    event.preventDefault();
    const name = labelText.trim();
    if (!name) return;
    let label = labels.find((l) => l.name.toLocaleLowerCase() === name.toLocaleLowerCase());
    if (!label) {
      // Created on the fly: the API decides who may (labels.manage) and names a refusal.
      try {
        label = await api<Label>("POST", `/teams/${teamId}/labels`, { name, color: labelColour(name) });
        props.onLabels([...labels, label]);
      } catch (failure) {
        handleLostSession(failure);
        // Someone made it a moment ago: take theirs.
        const fresh =
          failure instanceof ApiError && failure.problem.code === "LABEL_EXISTS"
            ? await api<{ labels: Label[] }>("GET", `/teams/${teamId}/labels`).catch(() => undefined)
            : undefined;
        label = fresh?.labels.find((l) => l.name.toLocaleLowerCase() === name.toLocaleLowerCase());
        if (!label) {
          setError({ control: "labels", text: refusal(failure) });
          return;
        }
        props.onLabels(fresh!.labels);
      }
    }
    setLabelText("");
    if (!(item.labelIds ?? []).includes(label.id)) await save({ addLabels: [label.id] }, "labels");
  };

  const [nextStatus, nextText] = NEXT_STEP[item.status];
  const assignable = props.members.filter((m) => m.role !== "reporter");
  const errorFor = (control: "status" | "assignee" | "labels") =>
    error?.control === control ? (
      <p class="error" role="alert" id={`item-${control}-error`}>
        {error.text}
      </p>
    ) : null;
  const known = labels.find((l) => l.name.toLocaleLowerCase() === labelText.trim().toLocaleLowerCase());
  const describeMine = (intent: Intent) =>
    [
      intent.status && fill(t.itemMineStatus, { to: t[`status_${intent.status}`] }),
      intent.assigneeId !== undefined &&
        fill(t.itemMineAssignee, { name: intent.assigneeId ? props.nameOf(intent.assigneeId) : t.itemUnassigned }),
      ...(intent.addLabels ?? []).map((id) => fill(t.itemMineLabelAdd, { name: labelName(id) })),
      ...(intent.removeLabels ?? []).map((id) => fill(t.itemMineLabelRemove, { name: labelName(id) })),
    ]
      .filter(Boolean)
      .join(", ");
  return (
    <section class="triage" aria-label={t.itemTriage}>
      {conflict && (
        <div class="conflict" role="alert">
          <p class="conflict-title">{t.itemConflictTitle}</p>
          <ul>
            {conflict.theirs.map((line) => (
              <li key={line}>{fill(t.itemConflictWhile, { change: line })}</li>
            ))}
          </ul>
          <p>{fill(t.itemConflictMine, { change: describeMine(conflict.intent) })}</p>
          <div class="actions start">
            <button type="button" class="primary" disabled={busy} onClick={() => save(conflict.intent, "status")}>
              {t.itemApplyMine}
            </button>
            <button type="button" disabled={busy} onClick={() => setConflict(undefined)}>
              {t.itemKeepTheirs}
            </button>
          </div>
        </div>
      )}
      <div class="triage-row">
        <label class="control">
          <span>{t.status}</span>
          <select
            value={item.status}
            disabled={busy || trashed}
            aria-describedby={error?.control === "status" ? "item-status-error" : undefined}
            onChange={(e) => save({ status: (e.currentTarget as HTMLSelectElement).value as Status }, "status")}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t[`status_${s}`]}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class="next-step"
          disabled={busy || trashed}
          onClick={() => save({ status: nextStatus }, "status")}
        >
          {t[nextText]}
        </button>
        <label class="control">
          <span>{t.itemAssignee}</span>
          <select
            id="item-assignee"
            value={item.assigneeId ?? ""}
            disabled={busy || trashed}
            aria-describedby={error?.control === "assignee" ? "item-assignee-error" : undefined}
            onChange={(e) => save({ assigneeId: (e.currentTarget as HTMLSelectElement).value || null }, "assignee")}
          >
            <option value="">{t.itemUnassigned}</option>
            {item.assigneeId && !assignable.some((m) => m.userId === item.assigneeId) && (
              <option value={item.assigneeId}>{props.nameOf(item.assigneeId)}</option>
            )}
            {assignable.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.displayName}
              </option>
            ))}
          </select>
        </label>
        {item.assigneeId !== props.meId && (
          <button
            type="button"
            class="link"
            disabled={busy || trashed}
            onClick={() => save({ assigneeId: props.meId }, "assignee")}
          >
            {t.itemAssignMe}
          </button>
        )}
        <span class="saved" role="status">
          {saved ? t.itemSaved : ""}
        </span>
      </div>
      {errorFor("status")}
      {errorFor("assignee")}
      <div class="labels-row">
        <span class="control-name" id="item-labels-name">
          {t.itemLabels}
        </span>
        <ul class="chips" aria-labelledby="item-labels-name">
          {(item.labelIds ?? []).length === 0 && <li class="muted">{t.itemNoLabels}</li>}
          {(item.labelIds ?? []).map((id) => {
            const label = labels.find((l) => l.id === id);
            return (
              <li key={id} class="chip">
                <Swatch color={label?.color} />
                {label?.name ?? t.itemDeletedLabel}
                <button
                  type="button"
                  class="chip-remove"
                  disabled={busy || trashed}
                  aria-label={fill(t.itemRemoveLabel, { name: label?.name ?? t.itemDeletedLabel })}
                  onClick={() => save({ removeLabels: [id] }, "labels")}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
        <form class="add-label" onSubmit={addLabel}>
          <input
            id="item-label-input"
            list="item-label-options"
            aria-label={t.itemAddLabel}
            aria-invalid={error?.control === "labels" ? "true" : undefined}
            aria-describedby={error?.control === "labels" ? "item-labels-error" : undefined}
            placeholder={t.itemAddLabelPlaceholder}
            maxLength={50}
            value={labelText}
            disabled={trashed}
            onInput={(e) => setLabelText((e.currentTarget as HTMLInputElement).value)}
          />
          <datalist id="item-label-options">
            {labels
              .filter((l) => !(item.labelIds ?? []).includes(l.id))
              .map((l) => (
                <option key={l.id} value={l.name} />
              ))}
          </datalist>
          <button type="submit" disabled={busy || trashed || !labelText.trim()}>
            {known || !labelText.trim() ? t.itemAttachLabel : fill(t.itemCreateLabel, { name: labelText.trim() })}
          </button>
        </form>
      </div>
      {errorFor("labels")}
    </section>
  );
}

/** A colour for a label made on the fly: steady for a name, from a few that read on light and dark. */
const LABEL_COLOURS = ["#d1453b", "#c27c0e", "#2f8a3e", "#1f7a8c", "#3b63c4", "#7b4cc2", "#b8437a", "#6b7280"];
function labelColour(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return LABEL_COLOURS[hash % LABEL_COLOURS.length]!;
}
/** A label's colour as an SVG fill (an attribute, not a style: the strict CSP allows it). */
function Swatch({ color }: { color: string | undefined }) {
  const safe = color && /^#[0-9a-f]{6}$/i.test(color) ? color : "#6b7280";
  return (
    <svg class="swatch" width="8" height="8" viewBox="0 0 8 8" aria-hidden="true">
      <circle cx="4" cy="4" r="4" fill={safe} />
    </svg>
  );
}

function TrashBanner(props: { teamId: string; item: Item; canRestore: boolean; onChange: (item: Item) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return (
    <div class="trash-banner" role="status">
      <p>{fill(t.itemInTrash, { time: new Date(props.item.deletedAt!).toLocaleString() })}</p>
      {props.canRestore && (
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              props.onChange(await api<Item>("POST", `/teams/${props.teamId}/feedback/${props.item.id}/restore`, {}));
              toast(t.itemRestored);
            } catch (failure) {
              handleLostSession(failure);
              setError(problemText(failure));
            } finally {
              setBusy(false);
            }
          }}
        >
          {busy ? t.working : t.itemRestore}
        </button>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

type Zoom = "fit" | 1 | 2;
/**
 * The screenshot (fetched as a blob from the authenticated route) with its annotations as a toggleable
 * overlay, at fit, 100 % or 200 %. The canvas keeps the image's pixel size and is stretched over the
 * image by the same box, so the overlay stays aligned at every zoom.
 */
function Screenshot(props: { teamId: string; item: Item }) {
  const [src, setSrc] = useState<string | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  const [overlay, setOverlay] = useState(true);
  const [zoom, setZoom] = useState<Zoom>("fit");
  const stage = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const shot = props.item.screenshot!;
  useEffect(() => {
    let url: string | undefined;
    let current = true;
    setSrc(undefined);
    setFailed(false);
    fetch(`/api/v1/teams/${props.teamId}/feedback/${props.item.id}/screenshot`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
      .then((blob) => {
        if (!current) return;
        url = URL.createObjectURL(blob);
        setSrc(url);
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [props.teamId, props.item.id]);
  useEffect(() => {
    // CSSOM, which the CSP allows (a style attribute it refuses): the box keeps the image's shape
    // before it loads, and its width is the zoom.
    const box = stage.current;
    if (!box) return;
    box.style.aspectRatio = `${shot.width} / ${shot.height}`;
    box.style.width = zoom === "fit" ? "" : `${shot.width * zoom}px`;
  }, [zoom, shot.width, shot.height]);
  useEffect(() => {
    const g = canvas.current?.getContext("2d");
    if (!g) return;
    g.clearRect(0, 0, shot.width, shot.height);
    if (overlay) drawAnnotations(g, shot.annotations, 1, Math.max(3, shot.width / 320));
  }, [overlay, src, props.item.id]);
  const zooms: [Zoom, string][] = [
    ["fit", t.itemZoomFit],
    [1, t.itemZoom100],
    [2, t.itemZoom200],
  ];
  return (
    <figure class="shot">
      <div class="shot-tools">
        {shot.annotations.length > 0 && (
          <label class="inline">
            <input type="checkbox" checked={overlay} onChange={() => setOverlay(!overlay)} /> {t.showAnnotations}
          </label>
        )}
        <fieldset class="segmented">
          <legend class="sr-only">{t.itemZoom}</legend>
          {zooms.map(([value, label]) => (
            <button key={label} type="button" aria-pressed={zoom === value} onClick={() => setZoom(value)}>
              {label}
            </button>
          ))}
        </fieldset>
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: focusable, so a zoomed screenshot pans with the arrow keys */}
      <section class={`shot-frame ${zoom === "fit" ? "fit" : "zoomed"}`} aria-label={t.itemScreenshotArea} tabIndex={0}>
        <div class="shot-stage" ref={stage}>
          {src && <img src={src} alt={t.screenshot} width={shot.width} height={shot.height} />}
          <canvas ref={canvas} width={shot.width} height={shot.height} />
        </div>
      </section>
      {failed && (
        <p class="error" role="alert">
          {t.itemScreenshotFailed}
        </p>
      )}
    </figure>
  );
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value ? value : undefined);
const size = (value: unknown): string | undefined => {
  const box = value as { width?: unknown; height?: unknown } | null;
  return box && typeof box.width === "number" && typeof box.height === "number"
    ? `${box.width} × ${box.height}`
    : undefined;
};

function Facts({ item, reporterName }: { item: Item; reporterName: string | undefined }) {
  const link = webUrl(item.pageUrl);
  const m = item.metadata;
  const dpr = typeof m.devicePixelRatio === "number" ? ` @${m.devicePixelRatio}x` : "";
  // Only what was sent: an item from the API may carry no page or device details at all.
  const rows: [string, ComponentChildren][] = [];
  if (item.pageUrl)
    rows.push([
      t.page,
      link ? (
        <a href={link} target="_blank" rel="noopener noreferrer">
          {link}
        </a>
      ) : (
        item.pageUrl
      ),
    ]);
  const browser = [str(m.browser), str(m.os)].filter(Boolean).join(" · ");
  if (browser) rows.push([t.itemBrowser, browser]);
  const viewport = size(m.viewport);
  if (viewport) rows.push([t.itemViewport, viewport]);
  const screen = size(m.screen);
  if (screen) rows.push([t.itemScreen, screen + dpr]);
  const locale = [str(m.language), str(m.timeZone)].filter(Boolean).join(" · ");
  if (locale) rows.push([t.itemLanguage, locale]);
  if (item.rating) rows.push([t.itemRating, `${item.rating.value} (${t[`itemScale_${item.rating.scale}`]})`]);
  rows.push([
    t.reporter,
    [reporterName, item.reporter.email, !reporterName && !item.reporter.email ? t.itemAnonymousVisitor : undefined]
      .filter(Boolean)
      .join(" · "),
  ]);
  if (item.reporter.ip) rows.push([t.itemIp, item.reporter.ip]);
  return (
    <dl class="facts">
      {rows.map(([name, value]) => (
        <div key={name} class={name === t.page ? "fact wide" : "fact"}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const LEVELS = ["error", "warn", "info", "log", "debug"] as const;
type ConsoleEntry = { level: (typeof LEVELS)[number]; at: string | undefined; message: string };
/** The page's console entries the widget kept (metadata.console), whatever shape an API client sent. */
function consoleEntries(metadata: Record<string, unknown>): ConsoleEntry[] {
  const raw = metadata.console;
  if (!Array.isArray(raw)) return [];
  return raw.slice(0, 200).flatMap((entry): ConsoleEntry[] => {
    if (!entry || typeof entry !== "object") return [];
    const e = entry as { level?: unknown; at?: unknown; message?: unknown };
    const message = typeof e.message === "string" ? e.message : JSON.stringify(e.message ?? "");
    const level = LEVELS.find((l) => l === e.level) ?? "log";
    return [{ level, at: str(e.at), message }];
  });
}
const clock = (iso: string | undefined) => {
  const time = iso ? new Date(iso) : undefined;
  return time && !Number.isNaN(time.getTime()) ? time.toLocaleTimeString() : "";
};

function ConsoleEntries({ metadata }: { metadata: Record<string, unknown> }) {
  const entries = consoleEntries(metadata);
  if (entries.length === 0) return null;
  return (
    <section class="item-section" aria-labelledby="item-console">
      <h3 id="item-console">{fill(t.itemConsole, { n: String(entries.length) })}</h3>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable list must be reachable by keyboard */}
      <ol class="console" tabIndex={0} aria-labelledby="item-console">
        {entries.map((entry, i) => (
          <li key={i} class={`console-${entry.level}`}>
            <span class={`level ${entry.level}`}>{t[`itemLevel_${entry.level}`]}</span>
            <time dateTime={entry.at}>{clock(entry.at)}</time>
            <span class="console-message">{entry.message}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

const asText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Custom data from the host page and the answers to the project's custom fields: text only. */
function CustomData({ item }: { item: Item }) {
  const rows: [string, string][] = Object.entries(item.customData).map(([key, value]) => [key, asText(value)]);
  const answers = item.metadata.answers;
  if (answers && typeof answers === "object")
    for (const [id, answer] of Object.entries(answers as Record<string, unknown>)) {
      const a = answer as { label?: unknown; value?: unknown } | null;
      rows.push([
        str(a?.label) ?? id,
        asText(a?.value === true ? t.itemYes : a?.value === false ? t.itemNo : a?.value),
      ]);
    }
  if (rows.length === 0) return null;
  return (
    <section class="item-section" aria-labelledby="item-custom">
      <h3 id="item-custom">{t.itemCustomData}</h3>
      <div class="table-wrap">
        <table class="kv">
          <thead>
            <tr>
              <th scope="col">{t.itemKey}</th>
              <th scope="col">{t.itemValue}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([key, value], i) => (
              <tr key={i}>
                <th scope="row">{key}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A thread of notes with a box to add one; Ctrl/⌘+Enter sends. */
function NoteThread(props: {
  id: string;
  title: string;
  intro?: ComponentChildren;
  notes: Note[] | undefined;
  empty: string;
  author: (note: Note) => string;
  mine: (note: Note) => boolean;
  field: string;
  send: string;
  disabled?: boolean;
  onSend?: (body: string) => Promise<void>;
}) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (!props.onSend || !text.trim() || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await props.onSend(text);
      setText("");
    } catch (failure) {
      handleLostSession(failure);
      setError(problemText(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="thread" aria-labelledby={props.id}>
      <h3 id={props.id}>{props.title}</h3>
      {props.intro}
      {props.notes === undefined ? (
        <div class="skeleton line" aria-busy="true" />
      ) : props.notes.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <ol class="notes">
          {props.notes.map((note) => (
            <li key={note.id} class={props.mine(note) ? "note mine" : "note"}>
              <p class="note-head">
                <strong>{props.author(note)}</strong> · <When iso={note.createdAt} />
              </p>
              <p class="note-body">{note.body}</p>
            </li>
          ))}
        </ol>
      )}
      {props.onSend && (
        <form class="note-form" onSubmit={submit}>
          <label>
            <span class="sr-only">{props.field}</span>
            <textarea
              rows={3}
              maxLength={10_000}
              placeholder={props.field}
              value={text}
              disabled={props.disabled}
              aria-invalid={error ? "true" : undefined}
              aria-describedby={error ? `${props.id}-error` : undefined}
              onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit();
              }}
            />
          </label>
          {error && (
            <p class="error" role="alert" id={`${props.id}-error`}>
              {error}
            </p>
          )}
          <div class="actions start">
            <button type="submit" class="primary" disabled={props.disabled || busy || !text.trim()}>
              {busy ? t.working : props.send}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function Comments(props: {
  teamId: string;
  item: Item;
  canWrite: boolean;
  nameOf: (id: string | null | undefined) => string;
  onAdded: () => void;
}) {
  const [notes, setNotes] = useState<Note[] | undefined>(undefined);
  const path = `/teams/${props.teamId}/feedback/${props.item.id}/comments`;
  const live = touchedFor(props.item.id);
  useEffect(() => {
    let current = true; // an answer for an item no longer shown is dropped
    api<{ comments: Note[] }>("GET", path).then((c) => current && setNotes(c.comments), handleLostSession);
    return () => {
      current = false;
    };
  }, [path, live]);
  useEffect(() => setNotes(undefined), [path]);
  return (
    <NoteThread
      id="item-comments"
      title={t.itemComments}
      intro={<p class="hint">{t.itemCommentsIntro}</p>}
      notes={notes}
      empty={t.itemNoComments}
      author={(n) => props.nameOf(n.authorId)}
      mine={() => false}
      field={t.itemCommentLabel}
      send={t.itemCommentSend}
      {...(props.canWrite
        ? {
            onSend: async (body: string) => {
              const note = await api<Note>("POST", path, { body });
              setNotes((shown) => [...(shown ?? []), note]);
              props.onAdded();
            },
          }
        : {})}
    />
  );
}

/** The conversation with the reporter: for the team, with whether a reply reaches them; for the reporter, with the team. */
function Messages(props: {
  teamId: string;
  item: Item;
  reporterView: boolean;
  canWrite: boolean;
  meId: string;
  nameOf: (id: string | null | undefined) => string;
  onAdded: () => void;
}) {
  const { item } = props;
  const [notes, setNotes] = useState<Note[] | undefined>(undefined);
  const [reach, setReach] = useState<Reach | undefined>(undefined);
  const path = `/teams/${props.teamId}/feedback/${item.id}/messages`;
  const live = touchedFor(item.id);
  useEffect(() => {
    let current = true;
    api<{ messages: Note[]; reach: Reach }>("GET", path).then((m) => {
      if (!current) return;
      setNotes(m.messages);
      setReach(m.reach);
    }, handleLostSession);
    return () => {
      current = false;
    };
  }, [path, live]);
  useEffect(() => {
    setNotes(undefined);
    setReach(undefined);
  }, [path]);
  const fromReporter = (n: Note) => n.authorId !== null && n.authorId === item.reporter.userId;
  const unreachable = !props.reporterView && reach !== undefined && !reach.email && !reach.account;
  const email = item.reporter.email ?? "";
  const reachText = !reach
    ? undefined
    : reach.email && reach.account
      ? fill(t.itemReachBoth, { email })
      : reach.email
        ? fill(t.itemReachEmail, { email })
        : reach.account
          ? t.itemReachAccount
          : email
            ? fill(t.itemReachNoMail, { email })
            : t.itemReachNone;
  return (
    <NoteThread
      id="item-messages"
      title={props.reporterView ? t.itemThreadReporter : t.itemThread}
      intro={
        props.reporterView ? (
          <p class="hint">{t.itemThreadReporterIntro}</p>
        ) : (
          reachText && <p class={unreachable ? "reach warn" : "reach hint"}>{reachText}</p>
        )
      }
      notes={notes}
      empty={t.itemNoMessages}
      author={(n) =>
        props.reporterView
          ? n.authorId === props.meId
            ? t.itemYou
            : t.itemTeamAuthor
          : fromReporter(n)
            ? `${props.nameOf(n.authorId)} (${t.itemFromReporter})`
            : props.nameOf(n.authorId)
      }
      mine={(n) => (props.reporterView ? n.authorId === props.meId : !fromReporter(n))}
      field={props.reporterView ? t.itemMessageLabel : t.itemReplyLabel}
      send={props.reporterView ? t.itemMessageSend : t.itemReplySend}
      disabled={unreachable || reach === undefined}
      {...(props.canWrite
        ? {
            onSend: async (body: string) => {
              const note = await api<Note & { emailed: boolean }>("POST", path, { body });
              setNotes((shown) => [...(shown ?? []), note]);
              if (!props.reporterView) toast(note.emailed ? t.itemReplyEmailed : t.itemReplyStored);
              props.onAdded();
            },
          }
        : {})}
    />
  );
}

function History(props: {
  teamId: string;
  item: Item;
  refresh: number;
  labels: Label[];
  nameOf: (id: string | null | undefined) => string;
}) {
  const [entries, setEntries] = useState<HistoryEntry[] | undefined>(undefined);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const path = `/teams/${props.teamId}/feedback/${props.item.id}/history`;
  const latest = useRef(0);
  const load = async (from: string | null) => {
    const request = ++latest.current;
    try {
      const page = await api<{ entries: HistoryEntry[]; nextCursor: string | null }>(
        "GET",
        `${path}?limit=50${from ? `&cursor=${from}` : ""}`,
      );
      if (request !== latest.current) return; // a newer load (or another item) answers instead
      setEntries((shown) => (from ? [...(shown ?? []), ...page.entries] : page.entries));
      setCursor(page.nextCursor);
      setError(undefined);
    } catch (failure) {
      handleLostSession(failure);
      if (request === latest.current) setError(problemText(failure));
    }
  };
  const live = touchedFor(props.item.id);
  useEffect(() => setEntries(undefined), [path]);
  useEffect(() => {
    load(null);
  }, [path, props.refresh, props.item.version, live]);
  const labelName = (id: string) => props.labels.find((l) => l.id === id)?.name ?? t.itemDeletedLabel;
  return (
    <section class="item-section" aria-labelledby="item-history">
      <h3 id="item-history">{t.itemHistory}</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {entries === undefined && !error && <div class="skeleton line" aria-busy="true" />}
      {entries?.length === 0 && <p class="muted">{t.itemHistoryEmpty}</p>}
      {entries && entries.length > 0 && (
        <ol class="history" aria-labelledby="item-history">
          {entries.map((entry) => (
            <li key={entry.seq}>
              <span>{describeEntry(entry, props.nameOf, labelName, props.item.reporter.userId).join("; ")}</span>
              <When iso={entry.at} />
            </li>
          ))}
        </ol>
      )}
      {cursor && (
        <button type="button" onClick={() => load(cursor)}>
          {t.itemOlder}
        </button>
      )}
    </section>
  );
}
