import type { Db, SqlValue } from "./database.ts";

export type FeedbackRow = {
  id: string;
  team_id: string;
  project_id: string;
  reporter_user_id: string | null;
  reporter_anon_id: string | null;
  reporter_email: string | null;
  /** Only when the project stores visitors' IP addresses (widget settings `storeIp`). */
  reporter_ip: string | null;
  title: string | null;
  comment: string;
  rating_value: number | null;
  rating_scale: "stars" | "emoji" | "nps" | null;
  page_url: string | null;
  metadata: string;
  custom_data: string;
  status: "new" | "in_progress" | "done" | "closed" | "spam";
  assignee_user_id: string | null;
  version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
};

const COLUMNS =
  "id, team_id, project_id, reporter_user_id, reporter_anon_id, reporter_email, reporter_ip, title, comment, rating_value, rating_scale, page_url, metadata, custom_data, status, assignee_user_id, version, created_at, updated_at, deleted_at";
const F_COLUMNS = COLUMNS.split(", ")
  .map((c) => `f.${c}`)
  .join(", ");

export function insertFeedback(db: Db, f: FeedbackRow): void {
  db.run(
    `INSERT INTO feedback_items (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    f.id,
    f.team_id,
    f.project_id,
    f.reporter_user_id,
    f.reporter_anon_id,
    f.reporter_email,
    f.reporter_ip,
    f.title,
    f.comment,
    f.rating_value,
    f.rating_scale,
    f.page_url,
    f.metadata,
    f.custom_data,
    f.status,
    f.assignee_user_id,
    f.version,
    f.created_at,
    f.updated_at,
    f.deleted_at,
  );
  db.run(
    "INSERT INTO feedback_search (item_id, team_id, public_text, internal_text) VALUES (?, ?, ?, '')",
    f.id,
    f.team_id,
    [f.title ?? "", f.comment].join("\n"),
  );
}

/** The item of the team (never another team's, whatever the id). */
export function findFeedback(db: Db, teamId: string, id: string): FeedbackRow | undefined {
  return db.get<FeedbackRow>(`SELECT ${COLUMNS} FROM feedback_items WHERE team_id = ? AND id = ?`, teamId, id);
}

/** The filters of a list or a search: a team's live items (or its trash), narrowed. */
export type FeedbackFilter = {
  teamId: string;
  reporterUserId?: string;
  projectId?: string;
  status?: string;
  /** A user's id, or null for items nobody is assigned to. */
  assigneeId?: string | null;
  labelId?: string;
  ratingMin?: number;
  ratingMax?: number;
  from?: number;
  to?: number;
  hasScreenshot?: boolean;
  trash: boolean;
};

/** Orders of a list: by time, or by rating (items without one last, the newest first among equals). */
export const FEEDBACK_SORTS = ["newest", "oldest", "rating", "rating_desc"] as const;
export type FeedbackSort = (typeof FEEDBACK_SORTS)[number];

/**
 * Where the previous page ended: its last row's sort key (the rating key for the rating orders, 0
 * otherwise), creation time and id. Keyset pagination: a page never repeats or skips a row, whatever
 * was added since.
 */
export type FeedbackPosition = { key: number; createdAt: number; id: string };

/**
 * The rating orders sort by an expression that puts items without a rating last; the same expression
 * is indexed (migrations/0011), so a page reads only its rows.
 */
const RATING_KEY = {
  rating: "ifnull(f.rating_value, 1000)",
  rating_desc: "ifnull(f.rating_value, -1)",
} as const;

/**
 * What a page is read through: the index of its order (walked until the page is full, each entry
 * checked against the filters from the index itself), or — when a filter names few items — that
 * filter's own index (an equality filter's) or the label's items, at most SMALL_SET rows, ordered
 * in memory.
 */
export type FeedbackDriver = "order" | "project" | "status" | "assignee" | "reporter" | "label";
export const SMALL_SET = 2000;

const DRIVER_COLUMN = {
  project: ["feedback_team_project", "project_id"],
  status: ["feedback_team_status", "status"],
  assignee: ["feedback_team_assignee", "assignee_user_id"],
  reporter: ["feedback_team_reporter", "reporter_user_id"],
} as const;

function equalityValue(f: FeedbackFilter, driver: keyof typeof DRIVER_COLUMN): string | null | undefined {
  if (driver === "project") return f.projectId;
  if (driver === "status") return f.status;
  if (driver === "assignee") return f.assigneeId;
  return f.reporterUserId;
}

/** How many items a filter alone names, counted through its index and stopped past SMALL_SET. */
function boundedCount(db: Db, f: FeedbackFilter, driver: Exclude<FeedbackDriver, "order">, cap: number): number {
  const live = f.trash ? "deleted_at IS NOT NULL" : "deleted_at IS NULL";
  let sql: string;
  let params: SqlValue[];
  if (driver === "label") {
    sql = "SELECT 1 FROM feedback_labels WHERE team_id = ? AND label_id = ?";
    params = [f.teamId, f.labelId ?? ""];
  } else {
    const [index, column] = DRIVER_COLUMN[driver];
    const value = equalityValue(f, driver);
    sql = `SELECT 1 FROM feedback_items INDEXED BY ${index} WHERE team_id = ? AND ${column} ${value === null ? "IS NULL" : "= ?"} AND ${live}`;
    params = value === null ? [f.teamId] : [f.teamId, value ?? ""];
  }
  const row = db.get<{ n: number }>(`SELECT count(*) AS n FROM (${sql} LIMIT ?)`, ...params, cap + 1);
  return Number(row?.n ?? 0);
}

/** The filter naming the fewest items, if it names at most `smallSet`; else the order's index. */
export function chooseDriver(db: Db, f: FeedbackFilter, smallSet = SMALL_SET): FeedbackDriver {
  const candidates: Exclude<FeedbackDriver, "order">[] = [];
  if (f.projectId !== undefined) candidates.push("project");
  if (f.status !== undefined) candidates.push("status");
  if (f.assigneeId !== undefined) candidates.push("assignee");
  if (f.reporterUserId !== undefined) candidates.push("reporter");
  if (f.labelId !== undefined) candidates.push("label");
  let best: FeedbackDriver = "order";
  let fewest = smallSet + 1;
  for (const candidate of candidates) {
    const n = boundedCount(db, f, candidate, smallSet);
    if (n < fewest) {
      best = candidate;
      fewest = n;
    }
  }
  return best;
}

function filterSql(
  f: FeedbackFilter,
  sort: FeedbackSort,
  driver: FeedbackDriver,
): { where: string[]; params: SqlValue[] } {
  const where = ["f.team_id = ?", f.trash ? "f.deleted_at IS NOT NULL" : "f.deleted_at IS NULL"];
  const params: SqlValue[] = [f.teamId];
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (f.reporterUserId !== undefined) add("f.reporter_user_id = ?", f.reporterUserId);
  if (f.projectId !== undefined) add("f.project_id = ?", f.projectId);
  if (f.status !== undefined) add("f.status = ?", f.status);
  if (f.assigneeId === null) add("f.assignee_user_id IS NULL");
  else if (f.assigneeId !== undefined) add("f.assignee_user_id = ?", f.assigneeId);
  if (f.labelId !== undefined && driver === "label") add("l.team_id = ? AND l.label_id = ?", f.teamId, f.labelId);
  else if (f.labelId !== undefined)
    add(
      "EXISTS (SELECT 1 FROM feedback_labels l WHERE l.item_id = f.id AND l.label_id = ? AND l.team_id = f.team_id)",
      f.labelId,
    );
  if (f.ratingMin !== undefined) add("f.rating_value >= ?", f.ratingMin);
  if (f.ratingMax !== undefined) add("f.rating_value <= ?", f.ratingMax);
  // The same bounds on a rating order's key (within the scales' 0–10, so items without a rating
  // are outside): a range of its index rather than a walk through it.
  if ((sort === "rating" || sort === "rating_desc") && (f.ratingMin !== undefined || f.ratingMax !== undefined))
    add(`${RATING_KEY[sort]} BETWEEN ? AND ?`, f.ratingMin ?? 0, f.ratingMax ?? 10);
  if (f.from !== undefined) add("f.created_at >= ?", f.from);
  if (f.to !== undefined) add("f.created_at < ?", f.to);
  if (f.hasScreenshot !== undefined) add("f.has_screenshot = ?", f.hasScreenshot ? 1 : 0);
  return { where, params };
}

export type ListedRow = FeedbackRow & { sort_key: number };

/**
 * The SQL of one list query (exported for the query-plan test): the filters, the order, where to
 * start and what to read through. A rating order continues in two steps: the rest of the cursor's
 * rating (`same`), then the ratings after it (`next`); each is one index range.
 */
export function listFeedbackSql(
  f: FeedbackFilter,
  options: {
    sort: FeedbackSort;
    after?: FeedbackPosition | undefined;
    step?: "same" | "next";
    limit: number;
    driver?: FeedbackDriver;
  },
): { sql: string; params: SqlValue[] } {
  const { sort, after, step = "same", limit, driver = "order" } = options;
  const { where, params } = filterSql(f, sort, driver);
  let key = "0";
  let order = "f.created_at DESC, f.id DESC";
  if (sort === "oldest") order = "f.created_at ASC, f.id ASC";
  if (sort === "rating" || sort === "rating_desc") {
    key = RATING_KEY[sort];
    order = `${key} ${sort === "rating" ? "ASC" : "DESC"}, f.created_at DESC, f.id DESC`;
  }
  if (after) {
    if (sort === "newest") {
      where.push("(f.created_at, f.id) < (?, ?)");
      params.push(after.createdAt, after.id);
    } else if (sort === "oldest") {
      where.push("(f.created_at, f.id) > (?, ?)");
      params.push(after.createdAt, after.id);
    } else if (step === "same") {
      // The rest of one rating: the key is fixed, so the order is the time order within it.
      where.push(`${key} = ?`, "(f.created_at, f.id) < (?, ?)");
      params.push(after.key, after.createdAt, after.id);
      order = "f.created_at DESC, f.id DESC";
    } else {
      where.push(`${key} ${sort === "rating" ? ">" : "<"} ?`);
      params.push(after.key);
    }
  }
  params.push(limit);
  const from =
    driver === "label"
      ? "feedback_labels l CROSS JOIN feedback_items f ON f.id = l.item_id"
      : driver === "order"
        ? "feedback_items f"
        : `feedback_items f INDEXED BY ${DRIVER_COLUMN[driver][0]}`;
  return {
    sql: `SELECT ${F_COLUMNS}, ${key} AS sort_key FROM ${from} WHERE ${where.join(" AND ")} ORDER BY ${order} LIMIT ?`,
    params,
  };
}

/** A page of items in the given order, after `after` (keyset pagination). */
export function listFeedback(
  db: Db,
  f: FeedbackFilter,
  options: { sort: FeedbackSort; after?: FeedbackPosition | undefined; limit: number; smallSet?: number },
): ListedRow[] {
  const driver = chooseDriver(db, f, options.smallSet);
  const query = (step: "same" | "next", limit: number) => {
    const { sql, params } = listFeedbackSql(f, { sort: options.sort, after: options.after, step, limit, driver });
    return db.all<ListedRow>(sql, ...params);
  };
  const rows = query("same", options.limit);
  if (options.after && options.sort.startsWith("rating") && rows.length < options.limit)
    rows.push(...query("next", options.limit - rows.length));
  return rows;
}

/** The SQL of a search (exported for the query-plan test). */
export function searchFeedbackSql(
  match: string,
  f: FeedbackFilter,
  options: { internal: boolean; sort: FeedbackSort | "relevance"; offset: number; limit: number },
): { sql: string; params: SqlValue[] } {
  const query = options.internal ? match : `{public_text}: (${match})`;
  // The list's key bounds are left out: here they would send the join through the rating index.
  const { where, params } = filterSql(f, "newest", "order");
  const { sort } = options;
  const key = sort === "relevance" ? "s.rank" : sort === "rating" || sort === "rating_desc" ? RATING_KEY[sort] : "0";
  // Ranked by FTS5's own order (rank alone: another term would make it score and sort every match).
  const order =
    sort === "relevance"
      ? "s.rank"
      : sort === "oldest"
        ? "f.created_at ASC, f.id ASC"
        : sort === "newest"
          ? "f.created_at DESC, f.id DESC"
          : `${key} ${sort === "rating" ? "ASC" : "DESC"}, f.created_at DESC, f.id DESC`;
  return {
    sql: `SELECT f.id AS id, ${key} AS sort_key FROM feedback_search s JOIN feedback_items f ON f.id = s.item_id
      WHERE feedback_search MATCH ? AND s.team_id = ? AND ${where.join(" AND ")}
      ORDER BY ${order} LIMIT ? OFFSET ?`,
    params: [query, f.teamId, ...params, options.limit, options.offset],
  };
}

/**
 * Full-text search in the team with the list's filters; `internal` adds internal comments. Ranked
 * (or in a list order); a page continues at an offset, since a ranking has no key to continue from.
 * The matches are joined, filtered and ordered through an index (feedback_items_search); only the
 * page's items are then read.
 */
export function searchFeedback(
  db: Db,
  match: string,
  f: FeedbackFilter,
  options: { internal: boolean; sort: FeedbackSort | "relevance"; offset: number; limit: number },
): ListedRow[] {
  const { sql, params } = searchFeedbackSql(match, f, options);
  const page = db.all<{ id: string; sort_key: number }>(sql, ...params);
  if (page.length === 0) return [];
  const rows = new Map(
    db
      .all<FeedbackRow>(
        `SELECT ${COLUMNS} FROM feedback_items WHERE +team_id = ? AND id IN (${page.map(() => "?").join(", ")})`,
        f.teamId,
        ...page.map((p) => p.id),
      )
      .map((r) => [r.id, r]),
  );
  return page.flatMap((p) => {
    const row = rows.get(p.id);
    return row ? [{ ...row, sort_key: p.sort_key }] : [];
  });
}

/** Changes status / assignee if the version still matches; returns the rows changed (0 = stale). */
export function updateFeedback(
  db: Db,
  teamId: string,
  id: string,
  expectedVersion: number,
  changes: { status: string; assigneeId: string | null },
  now: number,
): number {
  return db.run(
    "UPDATE feedback_items SET status = ?, assignee_user_id = ?, version = version + 1, updated_at = ? WHERE team_id = ? AND id = ? AND version = ? AND deleted_at IS NULL",
    changes.status,
    changes.assigneeId,
    now,
    teamId,
    id,
    expectedVersion,
  ).changes;
}

/** A bulk change's part of one live item: status and assignee, whatever its version (which it bumps). */
export function bulkTriageFeedback(
  db: Db,
  teamId: string,
  id: string,
  changes: { status?: string; assigneeId?: string | null },
  now: number,
): number {
  return db.run(
    `UPDATE feedback_items SET status = coalesce(?, status), assignee_user_id = CASE WHEN ? THEN ? ELSE assignee_user_id END,
      version = version + 1, updated_at = ? WHERE team_id = ? AND id = ? AND deleted_at IS NULL`,
    changes.status ?? null,
    changes.assigneeId === undefined ? 0 : 1,
    changes.assigneeId ?? null,
    now,
    teamId,
    id,
  ).changes;
}

export function addFeedbackLabels(db: Db, teamId: string, id: string, labelIds: string[]): void {
  for (const labelId of labelIds)
    db.run("INSERT OR IGNORE INTO feedback_labels (item_id, label_id, team_id) VALUES (?, ?, ?)", id, labelId, teamId);
}

export function removeFeedbackLabels(db: Db, teamId: string, id: string, labelIds: string[]): void {
  for (const labelId of labelIds)
    db.run("DELETE FROM feedback_labels WHERE team_id = ? AND item_id = ? AND label_id = ?", teamId, id, labelId);
}

/** The live items among `ids` of the team, with their labels (at most 100 ids). */
export function liveItemsWithLabels(db: Db, teamId: string, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const marks = ids.map(() => "?").join(", ");
  for (const r of db.all<{ id: string }>(
    `SELECT id FROM feedback_items WHERE +team_id = ? AND deleted_at IS NULL AND id IN (${marks})`,
    teamId,
    ...ids,
  ))
    out.set(r.id, []);
  for (const [id, labels] of labelsOfItems(db, teamId, [...out.keys()])) out.set(id, labels);
  return out;
}

export function setFeedbackLabels(db: Db, teamId: string, id: string, labelIds: string[]): void {
  db.run("DELETE FROM feedback_labels WHERE team_id = ? AND item_id = ?", teamId, id);
  for (const labelId of labelIds)
    db.run("INSERT INTO feedback_labels (item_id, label_id, team_id) VALUES (?, ?, ?)", id, labelId, teamId);
}

export function labelsOfItems(db: Db, teamId: string, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = db.all<{ item_id: string; label_id: string }>(
    // `+team_id`: the page's ids pick the rows (primary key); a team-wide index would read every label of the team.
    `SELECT item_id, label_id FROM feedback_labels WHERE +team_id = ? AND item_id IN (${ids.map(() => "?").join(", ")}) ORDER BY label_id`,
    teamId,
    ...ids,
  );
  for (const r of rows) out.set(r.item_id, [...(out.get(r.item_id) ?? []), r.label_id]);
  return out;
}

export function itemsWithScreenshot(db: Db, teamId: string, ids: string[]): Set<string> {
  if (ids.length === 0) return new Set();
  return new Set(
    db
      .all<{ item_id: string }>(
        `SELECT item_id FROM screenshots WHERE +team_id = ? AND item_id IN (${ids.map(() => "?").join(", ")})`,
        teamId,
        ...ids,
      )
      .map((r) => r.item_id),
  );
}

export function setDeleted(db: Db, teamId: string, id: string, deletedAt: number | null, now: number): number {
  return db.run(
    `UPDATE feedback_items SET deleted_at = ?, version = version + 1, updated_at = ? WHERE team_id = ? AND id = ? AND deleted_at IS ${deletedAt === null ? "NOT NULL" : "NULL"}`,
    deletedAt,
    now,
    teamId,
    id,
  ).changes;
}

/** Deletes items that have been in the trash since before `before`, with their search rows. */
export function purgeTrash(db: Db, before: number): number {
  db.run(
    "DELETE FROM feedback_search WHERE item_id IN (SELECT id FROM feedback_items WHERE deleted_at IS NOT NULL AND deleted_at < ?)",
    before,
  );
  return db.run("DELETE FROM feedback_items WHERE deleted_at IS NOT NULL AND deleted_at < ?", before).changes;
}

export type ScreenshotMeta = { content_type: string; width: number; height: number; size: number; annotations: string };

/** Stores the screenshot; the bytes go in as hex through unhex() (binding a Buffer crashes libsql under Bun). */
export function insertScreenshot(
  db: Db,
  s: {
    itemId: string;
    teamId: string;
    contentType: string;
    width: number;
    height: number;
    annotations: string;
    bytes: Uint8Array;
  },
): void {
  db.run(
    "INSERT INTO screenshots (item_id, team_id, content_type, width, height, size, annotations, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, unhex(?))",
    s.itemId,
    s.teamId,
    s.contentType,
    s.width,
    s.height,
    s.bytes.length,
    s.annotations,
    Buffer.from(s.bytes).toString("hex"),
  );
  db.run("UPDATE feedback_items SET has_screenshot = 1 WHERE team_id = ? AND id = ?", s.teamId, s.itemId);
}

export function findScreenshot(
  db: Db,
  teamId: string,
  itemId: string,
): (ScreenshotMeta & { bytes: Buffer }) | undefined {
  return db.get<ScreenshotMeta & { bytes: Buffer }>(
    "SELECT content_type, width, height, size, annotations, bytes FROM screenshots WHERE team_id = ? AND item_id = ?",
    teamId,
    itemId,
  );
}

/** A screenshot's stored facts, without its bytes (an export or a data subject's request lists them). */
export type ScreenshotFacts = {
  item_id: string;
  content_type: string;
  width: number;
  height: number;
  size: number;
  annotations: string;
};

export type NoteRow = { id: string; item_id: string; author_id: string | null; body: string; created_at: number };

/**
 * How much of an item's comments (and of its messages) search covers: appending a note rewrites the
 * item's whole full-text row (secure-delete), so an endless thread would make each new note slower
 * while it holds the write lock. Notes that begin past this many characters are kept, shown and
 * exported, but not indexed.
 */
export const SEARCH_NOTES_MAX_CHARS = 32_768;

/** Internal comments ("comments") or the thread with the reporter ("messages"). */
export function insertNote(db: Db, kind: "comments" | "messages", n: NoteRow & { team_id: string }): void {
  const table = kind === "comments" ? "feedback_comments" : "feedback_messages";
  db.run(
    `INSERT INTO ${table} (id, team_id, item_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    n.id,
    n.team_id,
    n.item_id,
    n.author_id,
    n.body,
    n.created_at,
  );
  const column = kind === "comments" ? "internal_text" : "public_text";
  db.run(
    `UPDATE feedback_search SET ${column} = ${column} || char(10) || ? WHERE item_id = ? AND team_id = ? AND length(${column}) < ?`,
    n.body,
    n.item_id,
    n.team_id,
    SEARCH_NOTES_MAX_CHARS,
  );
}

export function listNotes(db: Db, kind: "comments" | "messages", teamId: string, itemId: string): NoteRow[] {
  const table = kind === "comments" ? "feedback_comments" : "feedback_messages";
  return db.all<NoteRow>(
    `SELECT id, item_id, author_id, body, created_at FROM ${table} WHERE team_id = ? AND item_id = ? ORDER BY created_at, id`,
    teamId,
    itemId,
  );
}

/** Everything of a team's feedback for an export: items, notes and screenshots (bytes as Buffers). */
export function exportTeamFeedback(db: Db, teamId: string) {
  return {
    items: db.all<FeedbackRow>(
      `SELECT ${COLUMNS} FROM feedback_items WHERE team_id = ? ORDER BY created_at, id`,
      teamId,
    ),
    labels: db.all(
      "SELECT item_id, label_id FROM feedback_labels WHERE team_id = ? ORDER BY item_id, label_id",
      teamId,
    ),
    comments: db.all(
      "SELECT id, item_id, author_id, body, created_at FROM feedback_comments WHERE team_id = ? ORDER BY created_at, id",
      teamId,
    ),
    messages: db.all(
      "SELECT id, item_id, author_id, body, created_at FROM feedback_messages WHERE team_id = ? ORDER BY created_at, id",
      teamId,
    ),
    screenshots: db.all<ScreenshotFacts & { bytes: Buffer }>(
      "SELECT item_id, content_type, width, height, size, annotations, bytes FROM screenshots WHERE team_id = ? ORDER BY item_id",
      teamId,
    ),
  };
}

/** Items of a project, the trash included. */
export function countProjectItems(db: Db, teamId: string, projectId: string): number {
  return Number(
    db.get<{ n: number }>(
      "SELECT count(*) AS n FROM feedback_items WHERE team_id = ? AND project_id = ?",
      teamId,
      projectId,
    )?.n ?? 0,
  );
}

/** A screenshot's description without its bytes. */
export function findScreenshotMeta(db: Db, teamId: string, itemId: string): ScreenshotMeta | undefined {
  return db.get<ScreenshotMeta>(
    "SELECT content_type, width, height, size, annotations FROM screenshots WHERE team_id = ? AND item_id = ?",
    teamId,
    itemId,
  );
}

/** The item an earlier submission with this idempotency id created, and that submission's hash. */
export function findIdempotentItem(
  db: Db,
  projectId: string,
  idempotencyId: string,
): { item_id: string; request_hash: string } | undefined {
  return db.get<{ item_id: string; request_hash: string }>(
    "SELECT item_id, request_hash FROM feedback_idempotency WHERE project_id = ? AND idempotency_id = ?",
    projectId,
    idempotencyId,
  );
}

export function insertIdempotency(
  db: Db,
  row: { projectId: string; idempotencyId: string; itemId: string; requestHash: string; now: number },
): void {
  db.run(
    "INSERT INTO feedback_idempotency (project_id, idempotency_id, item_id, request_hash, created_at) VALUES (?, ?, ?, ?, ?)",
    row.projectId,
    row.idempotencyId,
    row.itemId,
    row.requestHash,
    row.now,
  );
}

export function deleteIdempotencyBefore(db: Db, before: number): number {
  return db.run("DELETE FROM feedback_idempotency WHERE created_at < ?", before).changes;
}

/** The bytes a team's screenshots take (its storage quota counts these). */
export function teamScreenshotBytes(db: Db, teamId: string): number {
  return Number(
    db.get<{ n: number }>("SELECT coalesce(sum(size), 0) AS n FROM screenshots WHERE team_id = ?", teamId)?.n ?? 0,
  );
}
