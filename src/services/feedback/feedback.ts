import { AppError, invalidField } from "../../lib/app-error.ts";
import { randomId, sha256Hex } from "../../lib/crypto.ts";
import { cleanImage, ImageError } from "../../lib/image.ts";
import {
  type FeedbackCreate,
  type FeedbackListFilters,
  HISTORY_ACTIONS,
  type HistoryEntry,
  type PublicFeedback,
  type PublicNote,
} from "../../shared/feedback.ts";
import { listTargetAuditEntries } from "../../store/audit.ts";
import * as feedbackRows from "../../store/feedback.ts";
import {
  type FeedbackFilter,
  type FeedbackPosition,
  type FeedbackRow,
  type FeedbackSort,
  findFeedback,
  findIdempotentItem,
  findScreenshot,
  findScreenshotMeta,
  insertFeedback,
  insertIdempotency,
  insertNote,
  insertScreenshot,
  itemsWithScreenshot,
  type ListedRow,
  labelsOfItems,
  listNotes,
  purgeTrash,
  setDeleted,
  setFeedbackLabels,
  teamScreenshotBytes,
  updateFeedback,
} from "../../store/feedback.ts";
import { findProject, teamLabelIds } from "../../store/projects.ts";
import { findMembership } from "../../store/teams.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { publishAfterCommit } from "../live/bus.ts";
import type { TeamAccess } from "../teams/access.ts";
import { mailReply } from "./reply-mail.ts";

/** Deleted items stay restorable in the trash this long, then are purged. */
export const TRASH_RETENTION_MS = 30 * 86_400_000;
export const MAX_SCREENSHOT_PIXELS_PER_SIDE = 8000;

function toPublic(row: FeedbackRow, labels: string[], hasScreenshot: boolean): PublicFeedback {
  return {
    id: row.id,
    teamId: row.team_id,
    projectId: row.project_id,
    title: row.title,
    comment: row.comment,
    rating: row.rating_scale && row.rating_value !== null ? { scale: row.rating_scale, value: row.rating_value } : null,
    reporter: {
      userId: row.reporter_user_id,
      anonymousId: row.reporter_anon_id,
      email: row.reporter_email,
      ip: row.reporter_ip,
    },
    pageUrl: row.page_url,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    customData: JSON.parse(row.custom_data) as Record<string, unknown>,
    status: row.status,
    assigneeId: row.assignee_user_id,
    labelIds: labels,
    hasScreenshot,
    version: row.version,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at).toISOString(),
  };
}

export function publicRows(ctx: ServiceContext, teamId: string, rows: FeedbackRow[]): PublicFeedback[] {
  const ids = rows.map((r) => r.id);
  const labels = labelsOfItems(ctx.db, teamId, ids);
  const shots = itemsWithScreenshot(ctx.db, teamId, ids);
  return rows.map((r) => toPublic(r, labels.get(r.id) ?? [], shots.has(r.id)));
}

/** Reporters see only what they reported; members, owners and support access see the team's items. */
export function reporterScope(access: TeamAccess): string | undefined {
  return access.role === "reporter" ? access.userId : undefined;
}

/** The item, if this caller may see it; otherwise 404 (never 403: existence is not leaked). */
function visibleItem(
  ctx: ServiceContext,
  access: TeamAccess,
  itemId: string,
  options: { includeDeleted?: boolean } = {},
): FeedbackRow {
  const row = findFeedback(ctx.db, access.team.id, itemId);
  const scope = reporterScope(access);
  if (
    !row ||
    (scope !== undefined && row.reporter_user_id !== scope) ||
    (row.deleted_at !== null && !options.includeDeleted)
  )
    throw notFound("No such feedback item.");
  return row;
}

/** An uploaded screenshot with the limits it must keep: its own size, and its team's storage quota. */
export type ScreenshotUpload = { bytes: Uint8Array; maxBytes: number; teamQuotaBytes: number };

/** What a submission was, for comparing a replay with it: its data, reporter, labels and uploaded bytes. */
function submissionHash(
  data: FeedbackCreate,
  reporter: unknown,
  screenshot: ScreenshotUpload | undefined,
  labelIds: string[] = [],
): string {
  // Labels (the widget's category) count only when given: hashes stored before they did stay valid.
  const parts = labelIds.length > 0 ? [data, reporter, labelIds] : [data, reporter];
  return sha256Hex(`${JSON.stringify(parts)}\n${screenshot ? sha256Hex(screenshot.bytes) : "-"}`);
}

/**
 * Creates a feedback item — one verb whoever the caller is (a signed-in user, an API token, later
 * the widget): validation is the caller's schema, this checks the project, the screenshot (type by
 * magic bytes, dimensions from the header, metadata stripped) and writes it all in one transaction.
 */
export function createFeedback(
  ctx: ServiceContext,
  input: {
    teamId: string;
    /** `ip` only from the widget of a project that stores visitors' addresses. */
    reporter: { userId: string | null; anonymousId: string | null; ip?: string | null };
    data: FeedbackCreate;
    screenshot?: ScreenshotUpload;
    /** A client-generated id: a repeated submission returns the first item's id and writes nothing. */
    idempotencyId?: string;
    /** Labels of the item from the start (the widget's category picker); checked by the caller. */
    labelIds?: string[];
  },
): string {
  if (!findProject(ctx.db, input.teamId, input.data.projectId)) {
    throw invalidField("projectId", "Unknown project.", "No such project in this team.");
  }
  // A replay answers before any image work; the same check is repeated inside the write lock.
  const requestHash =
    input.idempotencyId === undefined
      ? undefined
      : // The client address is not part of the submission: a retry from another network is the same one.
        submissionHash(input.data, { ...input.reporter, ip: null }, input.screenshot, input.labelIds);
  const replayed = () => {
    if (input.idempotencyId === undefined) return undefined;
    const earlier = findIdempotentItem(ctx.db, input.data.projectId, input.idempotencyId);
    if (earlier && earlier.request_hash !== requestHash) throw new AppError("IDEMPOTENCY_CONFLICT");
    return earlier?.item_id;
  };
  const early = replayed();
  if (early) return early;
  let image: ReturnType<typeof cleanImage> | undefined;
  if (input.screenshot) {
    if (input.screenshot.bytes.length > input.screenshot.maxBytes) {
      throw new AppError("PAYLOAD_TOO_LARGE", "The screenshot is larger than allowed.", {
        fields: [{ field: "screenshot", message: `At most ${input.screenshot.maxBytes} bytes.` }],
      });
    }
    try {
      image = cleanImage(input.screenshot.bytes);
    } catch (error) {
      if (!(error instanceof ImageError)) throw error;
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Screenshots must be PNG, JPEG or WebP images.", {
        fields: [{ field: "screenshot", message: "Expected a PNG, JPEG or WebP image." }],
      });
    }
    const { width, height } = image.info;
    if (width < 1 || height < 1 || width > MAX_SCREENSHOT_PIXELS_PER_SIDE || height > MAX_SCREENSHOT_PIXELS_PER_SIDE) {
      throw new AppError(
        "IMAGE_TOO_LARGE",
        `Screenshots may be at most ${MAX_SCREENSHOT_PIXELS_PER_SIDE}×${MAX_SCREENSHOT_PIXELS_PER_SIDE} pixels.`,
        { fields: [{ field: "screenshot", message: "Too many pixels." }] },
      );
    }
  }
  const now = ctx.clock.now();
  const id = randomId();
  const d = input.data;
  return ctx.db.write(() => {
    // Checked inside the write lock: two concurrent retries cannot both insert.
    const earlier = replayed();
    if (earlier) return earlier;
    insertFeedback(ctx.db, {
      id,
      team_id: input.teamId,
      project_id: d.projectId,
      reporter_user_id: input.reporter.userId,
      reporter_anon_id: input.reporter.anonymousId,
      reporter_email: d.reporterEmail ?? null,
      reporter_ip: input.reporter.ip ?? null,
      title: d.title ?? null,
      comment: d.comment,
      rating_value: d.rating?.value ?? null,
      rating_scale: d.rating?.scale ?? null,
      page_url: d.pageUrl ?? null,
      metadata: JSON.stringify(d.metadata ?? {}),
      custom_data: JSON.stringify(d.customData ?? {}),
      status: "new",
      assignee_user_id: null,
      version: 1,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    });
    if (image) {
      // Inside the write lock: concurrent uploads cannot together pass the quota.
      if (teamScreenshotBytes(ctx.db, input.teamId) + image.bytes.length > (input.screenshot?.teamQuotaBytes ?? 0)) {
        throw new AppError("STORAGE_QUOTA_EXCEEDED", undefined, {
          fields: [{ field: "screenshot", message: "The team's screenshot storage is full." }],
        });
      }
      insertScreenshot(ctx.db, {
        itemId: id,
        teamId: input.teamId,
        contentType: image.info.type,
        width: image.info.width,
        height: image.info.height,
        annotations: JSON.stringify(d.annotations ?? []),
        bytes: image.bytes,
      });
    }
    if (input.labelIds?.length) setFeedbackLabels(ctx.db, input.teamId, id, input.labelIds);
    if (input.idempotencyId !== undefined && requestHash !== undefined) {
      insertIdempotency(ctx.db, {
        projectId: d.projectId,
        idempotencyId: input.idempotencyId,
        itemId: id,
        requestHash,
        now,
      });
    }
    appendAudit(ctx, {
      action: "feedback.created",
      actorId: input.reporter.userId,
      targetId: id,
      teamId: input.teamId,
    });
    publishAfterCommit(ctx, { type: "feedback.created", teamId: input.teamId, itemId: id });
    return id;
  });
}

export function getFeedback(ctx: ServiceContext, input: { access: TeamAccess; itemId: string }): PublicFeedback {
  const { access, itemId } = input;
  const item = publicRows(ctx, access.team.id, [
    visibleItem(ctx, access, itemId, { includeDeleted: access.role !== "reporter" }),
  ])[0]!;
  const meta = findScreenshotMeta(ctx.db, access.team.id, itemId);
  item.screenshot = meta
    ? {
        contentType: meta.content_type,
        width: meta.width,
        height: meta.height,
        size: meta.size,
        annotations: JSON.parse(meta.annotations) as NonNullable<PublicFeedback["screenshot"]>["annotations"],
      }
    : null;
  return item;
}

/**
 * A list's cursor names its order and where the last page ended (keyset: stable whatever is added
 * meanwhile); a search's names its offset (a ranking has no key to continue from).
 */
export const encodePosition = (sort: FeedbackSort, p: FeedbackPosition) =>
  Buffer.from(`${sort}:${p.key}:${p.createdAt}:${p.id}`).toString("base64url");
export const encodeOffset = (offset: number) => Buffer.from(`offset:${offset}`).toString("base64url");
const badCursor = (detail: string) => invalidField("cursor", "Invalid.", detail);

export function decodePosition(text: string, sort: FeedbackSort): FeedbackPosition {
  const [order, key, at, id] = Buffer.from(text, "base64url").toString().split(":");
  if (
    !order ||
    !key ||
    !at ||
    !id ||
    !/^-?\d{1,4}$/.test(key) ||
    !/^\d{1,15}$/.test(at) ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(id)
  )
    throw badCursor("Invalid cursor.");
  if (order !== sort) throw badCursor("This cursor belongs to another order; start again from the first page.");
  return { key: Number(key), createdAt: Number(at), id };
}

/** Searches page by offset, up to this far. */
export const MAX_SEARCH_OFFSET = 10_000;
export function decodeOffset(text: string): number {
  const [word, offset] = Buffer.from(text, "base64url").toString().split(":");
  if (word !== "offset" || !offset || !/^\d{1,5}$/.test(offset) || Number(offset) > MAX_SEARCH_OFFSET)
    throw badCursor("Invalid cursor.");
  return Number(offset);
}

/** The filters of a list or search as the API validated them (src/shared/feedback.ts). */
export type ListOptions = Omit<FeedbackListFilters, "trash" | "sort"> & {
  trash?: boolean | undefined;
  sort?: FeedbackSort | undefined;
};

/** The store's filter for one team: the request's filters, within what this caller may see. */
export function teamFilter(access: TeamAccess, filters: Omit<ListOptions, "sort">): FeedbackFilter {
  const scope = reporterScope(access);
  return {
    teamId: access.team.id,
    ...(scope !== undefined ? { reporterUserId: scope } : {}),
    ...(filters.projectId ? { projectId: filters.projectId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.assigneeId ? { assigneeId: filters.assigneeId === "none" ? null : filters.assigneeId } : {}),
    ...(filters.labelId ? { labelId: filters.labelId } : {}),
    ...(filters.ratingMin !== undefined ? { ratingMin: filters.ratingMin } : {}),
    ...(filters.ratingMax !== undefined ? { ratingMax: filters.ratingMax } : {}),
    ...(filters.from ? { from: Date.parse(filters.from) } : {}),
    ...(filters.to ? { to: Date.parse(filters.to) } : {}),
    ...(filters.hasScreenshot ? { hasScreenshot: filters.hasScreenshot === "1" } : {}),
    // The trash is for members and owners: a reporter's list is their live items.
    trash: filters.trash === true && scope === undefined,
  };
}

export const pageLimit = (limit: number | undefined) => Math.min(Math.max(limit ?? 50, 1), 200);
export const positionOf = (row: ListedRow): FeedbackPosition => ({
  key: row.sort_key,
  createdAt: row.created_at,
  id: row.id,
});

/** A page of the items this caller may see, with filters, in the asked order; `nextCursor` continues it. */
export function listFeedback(
  ctx: ServiceContext,
  input: { access: TeamAccess; filters: ListOptions },
): { items: PublicFeedback[]; nextCursor: string | null } {
  const { access, filters } = input;
  const limit = pageLimit(filters.limit);
  const sort = filters.sort ?? "newest";
  const rows = feedbackRows.listFeedback(ctx.db, teamFilter(access, filters), {
    sort,
    after: filters.cursor ? decodePosition(filters.cursor, sort) : undefined,
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: publicRows(ctx, access.team.id, page),
    nextCursor: rows.length > limit && last ? encodePosition(sort, positionOf(last)) : null,
  };
}

/** Each word becomes a quoted prefix term: no FTS5 syntax reaches the query from outside. */
export function searchTerms(text: string): string | undefined {
  const terms = (text.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 10).map((t) => `"${t}"*`);
  return terms.length > 0 ? terms.join(" ") : undefined;
}

/**
 * Full-text search with the list's filters, ranked (or in a list order), a page at a time; a
 * reporter's covers only their own items and never internal comments.
 */
export function searchFeedback(
  ctx: ServiceContext,
  input: {
    access: TeamAccess;
    text: string;
    filters: Omit<ListOptions, "sort"> & { sort?: FeedbackSort | "relevance" | undefined };
  },
): { items: PublicFeedback[]; nextCursor: string | null } {
  const { access, text, filters } = input;
  const limit = pageLimit(filters.limit);
  const offset = filters.cursor ? decodeOffset(filters.cursor) : 0;
  const match = searchTerms(text);
  if (match === undefined) return { items: [], nextCursor: null };
  const rows = feedbackRows.searchFeedback(ctx.db, match, teamFilter(access, filters), {
    internal: reporterScope(access) === undefined,
    sort: filters.sort ?? "relevance",
    offset,
    limit: limit + 1,
  });
  return {
    items: publicRows(ctx, access.team.id, rows.slice(0, limit)),
    nextCursor: rows.length > limit && offset + limit <= MAX_SEARCH_OFFSET ? encodeOffset(offset + limit) : null,
  };
}

/**
 * Triage: status, assignee (a member or owner of the team) and labels (the team's), only if the
 * caller's version is current (If-Match); a stale version answers 412.
 */
export function triageFeedback(
  ctx: ServiceContext,
  input: {
    access: TeamAccess;
    itemId: string;
    expectedVersion: number;
    changes: { status?: string | undefined; assigneeId?: string | null | undefined; labelIds?: string[] | undefined };
  },
): PublicFeedback {
  const { access, itemId, expectedVersion, changes } = input;
  const teamId = access.team.id;
  ctx.db.write(() => {
    const row = visibleItem(ctx, access, itemId);
    if (changes.assigneeId) {
      const m = findMembership(ctx.db, teamId, changes.assigneeId);
      if (!m || m.role === "reporter")
        throw invalidField(
          "assigneeId",
          "Not a member or owner of this team.",
          "The assignee must be a member of the team.",
        );
    }
    if (changes.labelIds) {
      const known = teamLabelIds(ctx.db, teamId, changes.labelIds);
      if (known.length !== new Set(changes.labelIds).size)
        throw invalidField("labelIds", "Labels must be the team's.", "Unknown label.");
    }
    const status = changes.status ?? row.status;
    const assigneeId = changes.assigneeId === undefined ? row.assignee_user_id : changes.assigneeId;
    const changed = updateFeedback(ctx.db, teamId, itemId, expectedVersion, { status, assigneeId }, ctx.clock.now());
    if (changed === 0)
      throw new AppError("VERSION_CONFLICT", "The item changed since you loaded it; reload and try again.");
    // What this change did, for the item's history (ids and values only).
    const detail: TriageDetail = { version: expectedVersion + 1 };
    if (status !== row.status) detail.status = { from: row.status, to: status };
    if (assigneeId !== row.assignee_user_id) detail.assigneeId = { from: row.assignee_user_id, to: assigneeId };
    if (changes.labelIds) {
      const before = labelsOfItems(ctx.db, teamId, [itemId]).get(itemId) ?? [];
      const after = [...new Set(changes.labelIds)];
      const added = after.filter((id) => !before.includes(id));
      const removed = before.filter((id) => !after.includes(id));
      if (added.length > 0 || removed.length > 0) detail.labels = { added, removed };
      setFeedbackLabels(ctx.db, teamId, itemId, after);
    }
    appendAudit(ctx, { action: "feedback.triaged", actorId: access.userId, targetId: itemId, teamId, detail });
    publishAfterCommit(ctx, { type: "feedback.updated", teamId, itemId });
  });
  return getFeedback(ctx, { access, itemId });
}

/** Moves an item to the trash (restorable for 30 days). */
export function trashFeedback(ctx: ServiceContext, input: { access: TeamAccess; itemId: string }): void {
  const { access, itemId } = input;
  ctx.db.write(() => {
    // Read in the write lock: two concurrent deletions trash (and audit) it once, the other gets 404.
    const row = visibleItem(ctx, access, itemId);
    setDeleted(ctx.db, access.team.id, itemId, ctx.clock.now(), ctx.clock.now());
    appendAudit(ctx, {
      action: "feedback.trashed",
      actorId: access.userId,
      targetId: itemId,
      teamId: access.team.id,
      detail: { version: row.version + 1 },
    });
    publishAfterCommit(ctx, { type: "feedback.updated", teamId: access.team.id, itemId });
  });
}

export function restoreFeedback(ctx: ServiceContext, input: { access: TeamAccess; itemId: string }): PublicFeedback {
  const { access, itemId } = input;
  ctx.db.write(() => {
    const row = visibleItem(ctx, access, itemId, { includeDeleted: true });
    if (row.deleted_at === null) throw new AppError("NOT_IN_TRASH", "The item is not in the trash.");
    setDeleted(ctx.db, access.team.id, itemId, null, ctx.clock.now());
    appendAudit(ctx, {
      action: "feedback.restored",
      actorId: access.userId,
      targetId: itemId,
      teamId: access.team.id,
      detail: { version: row.version + 1 },
    });
    publishAfterCommit(ctx, { type: "feedback.updated", teamId: access.team.id, itemId });
  });
  return getFeedback(ctx, { access, itemId });
}

/** What a triage change did, in its audit entry (the item's history reads it). */
export type TriageDetail = {
  version: number;
  status?: { from: string; to: string };
  assigneeId?: { from: string | null; to: string | null };
  labels?: { added: string[]; removed: string[] };
};

/**
 * An item's history from the audit trail (newest first, paged by sequence number): who triaged it
 * and how, trashed or restored it, or added a comment or message. Members and owners only (the route's
 * action): it names internal comments and assignees, which a reporter never sees.
 */
export function listItemHistory(
  ctx: ServiceContext,
  input: { access: TeamAccess; itemId: string; cursor?: string | undefined; limit?: number | undefined },
): { entries: HistoryEntry[]; nextCursor: string | null } {
  const { access, itemId } = input;
  visibleItem(ctx, access, itemId, { includeDeleted: true });
  const limit = Math.min(Math.max(input.limit ?? 100, 1), 500);
  const rows = listTargetAuditEntries(ctx.db, {
    teamId: access.team.id,
    targetId: itemId,
    actions: HISTORY_ACTIONS,
    ...(input.cursor ? { beforeSeq: Number(input.cursor) } : {}),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((row) => {
      const detail = (row.detail === null ? {} : JSON.parse(row.detail)) as Partial<TriageDetail>;
      const changes: HistoryEntry["changes"] = {};
      if (detail.status) changes.status = detail.status as NonNullable<HistoryEntry["changes"]["status"]>;
      if (detail.assigneeId) changes.assigneeId = detail.assigneeId;
      if (detail.labels) changes.labels = detail.labels;
      return {
        seq: row.seq,
        at: new Date(row.at).toISOString(),
        actorId: row.actor_id,
        action: row.action as HistoryEntry["action"],
        version: detail.version ?? null,
        changes,
      };
    }),
    nextCursor: rows.length > limit ? String(page.at(-1)!.seq) : null,
  };
}

/** Purges items that have been in the trash for more than 30 days (daily job). */
export function purgeOldTrash(ctx: ServiceContext): number {
  return ctx.db.write(() => purgeTrash(ctx.db, ctx.clock.now() - TRASH_RETENTION_MS));
}

export function listItemNotes(
  ctx: ServiceContext,
  input: { access: TeamAccess; kind: "comments" | "messages"; itemId: string },
): PublicNote[] {
  const { access, kind, itemId } = input;
  visibleItem(ctx, access, itemId);
  return listNotes(ctx.db, kind, access.team.id, itemId).map((n) => ({
    id: n.id,
    authorId: n.author_id,
    body: n.body,
    createdAt: new Date(n.created_at).toISOString(),
  }));
}

/**
 * Whether a reply from the team reaches the item's reporter: by email (they left an address and SMTP
 * is configured) and/or in Loupe (they have an account in the team, so they read the thread signed in).
 * An anonymous widget visitor who left no address cannot be reached at all.
 */
function replyReach(ctx: ServiceContext, row: FeedbackRow): { email: boolean; account: boolean } {
  return {
    email: row.reporter_email !== null && ctx.mailer !== undefined,
    account: row.reporter_user_id !== null && findMembership(ctx.db, row.team_id, row.reporter_user_id) !== undefined,
  };
}

/** The thread with the reporter and how a reply reaches them. */
export function listItemMessages(
  ctx: ServiceContext,
  input: { access: TeamAccess; itemId: string },
): { messages: PublicNote[]; reach: { email: boolean; account: boolean } } {
  const row = visibleItem(ctx, input.access, input.itemId);
  return {
    messages: listItemNotes(ctx, { ...input, kind: "messages" }),
    reach: replyReach(ctx, row),
  };
}

/**
 * Writes to the thread with the reporter. A reply from the team to a reporter who left an email
 * address is also mailed to them (when SMTP is configured), after the commit and in the background;
 * the reporter's own messages are only stored (the team reads them in Loupe).
 */
export function addItemMessage(
  ctx: ServiceContext,
  input: { access: TeamAccess; itemId: string; body: string },
): PublicNote & { emailed: boolean } {
  const { access, itemId, body } = input;
  const row = visibleItem(ctx, access, itemId);
  const note = addItemNote(ctx, { access, kind: "messages", itemId, body });
  const fromTeam = access.userId !== row.reporter_user_id;
  const emailed = fromTeam && replyReach(ctx, row).email;
  if (emailed)
    mailReply(ctx, {
      to: row.reporter_email!,
      itemId,
      teamName: access.team.name,
      title: row.title,
      comment: row.comment,
      language: (JSON.parse(row.metadata) as { language?: unknown }).language,
      body,
    });
  return { ...note, emailed };
}

export function addItemNote(
  ctx: ServiceContext,
  input: { access: TeamAccess; kind: "comments" | "messages"; itemId: string; body: string },
): PublicNote {
  const { access, kind, itemId, body } = input;
  visibleItem(ctx, access, itemId);
  const note = {
    id: randomId(),
    item_id: itemId,
    team_id: access.team.id,
    author_id: access.userId,
    body,
    created_at: ctx.clock.now(),
  };
  ctx.db.write(() => {
    insertNote(ctx.db, kind, note);
    appendAudit(ctx, {
      action: kind === "comments" ? "feedback.comment_added" : "feedback.message_added",
      actorId: access.userId,
      targetId: itemId,
      teamId: access.team.id,
    });
    publishAfterCommit(ctx, {
      type: kind === "comments" ? "comment.created" : "message.created",
      teamId: access.team.id,
      itemId,
      noteId: note.id,
    });
  });
  return { id: note.id, authorId: note.author_id, body, createdAt: new Date(note.created_at).toISOString() };
}

export function getScreenshot(
  ctx: ServiceContext,
  input: { access: TeamAccess; itemId: string },
): { contentType: string; bytes: Buffer; annotations: unknown[] } {
  const { access, itemId } = input;
  visibleItem(ctx, access, itemId);
  const shot = findScreenshot(ctx.db, access.team.id, itemId);
  if (!shot) throw notFound("This item has no screenshot.");
  return { contentType: shot.content_type, bytes: shot.bytes, annotations: JSON.parse(shot.annotations) as unknown[] };
}

export type { PublicFeedback, PublicNote };
