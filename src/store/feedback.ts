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

export type FeedbackFilter = {
  teamId: string;
  reporterUserId?: string;
  projectId?: string;
  status?: string;
  assigneeId?: string;
  labelId?: string;
  ratingMin?: number;
  ratingMax?: number;
  from?: number;
  to?: number;
  trash: boolean;
  cursor?: { createdAt: number; id: string };
  limit: number;
};

/** A page of items, newest first, with keyset pagination on (created_at, id). */
export function listFeedback(db: Db, f: FeedbackFilter): FeedbackRow[] {
  const where = ["f.team_id = ?", f.trash ? "f.deleted_at IS NOT NULL" : "f.deleted_at IS NULL"];
  const params: SqlValue[] = [f.teamId];
  const add = (sql: string, ...values: SqlValue[]) => {
    where.push(sql);
    params.push(...values);
  };
  if (f.reporterUserId !== undefined) add("f.reporter_user_id = ?", f.reporterUserId);
  if (f.projectId !== undefined) add("f.project_id = ?", f.projectId);
  if (f.status !== undefined) add("f.status = ?", f.status);
  if (f.assigneeId !== undefined) add("f.assignee_user_id = ?", f.assigneeId);
  if (f.labelId !== undefined)
    add(
      "EXISTS (SELECT 1 FROM feedback_labels l WHERE l.item_id = f.id AND l.team_id = f.team_id AND l.label_id = ?)",
      f.labelId,
    );
  if (f.ratingMin !== undefined) add("f.rating_value >= ?", f.ratingMin);
  if (f.ratingMax !== undefined) add("f.rating_value <= ?", f.ratingMax);
  if (f.from !== undefined) add("f.created_at >= ?", f.from);
  if (f.to !== undefined) add("f.created_at < ?", f.to);
  if (f.cursor)
    add("(f.created_at < ? OR (f.created_at = ? AND f.id < ?))", f.cursor.createdAt, f.cursor.createdAt, f.cursor.id);
  params.push(f.limit);
  return db.all<FeedbackRow>(
    `SELECT ${F_COLUMNS} FROM feedback_items f WHERE ${where.join(" AND ")} ORDER BY f.created_at DESC, f.id DESC LIMIT ?`,
    ...params,
  );
}

/** Full-text search in the team; `internal` adds internal comments; `reporterUserId` limits to their items. */
export function searchFeedback(
  db: Db,
  teamId: string,
  match: string,
  options: { internal: boolean; reporterUserId?: string; limit: number },
): FeedbackRow[] {
  const query = options.internal ? match : `{public_text}: (${match})`;
  const params: SqlValue[] = [query, teamId, teamId];
  let reporter = "";
  if (options.reporterUserId !== undefined) {
    reporter = "AND f.reporter_user_id = ?";
    params.push(options.reporterUserId);
  }
  params.push(options.limit);
  return db.all<FeedbackRow>(
    `SELECT ${F_COLUMNS} FROM feedback_search s JOIN feedback_items f ON f.id = s.item_id
      WHERE feedback_search MATCH ? AND s.team_id = ? AND f.team_id = ? AND f.deleted_at IS NULL ${reporter}
      ORDER BY s.rank LIMIT ?`,
    ...params,
  );
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

export function setFeedbackLabels(db: Db, teamId: string, id: string, labelIds: string[]): void {
  db.run("DELETE FROM feedback_labels WHERE team_id = ? AND item_id = ?", teamId, id);
  for (const labelId of labelIds)
    db.run("INSERT INTO feedback_labels (item_id, label_id, team_id) VALUES (?, ?, ?)", id, labelId, teamId);
}

export function labelsOfItems(db: Db, teamId: string, ids: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = db.all<{ item_id: string; label_id: string }>(
    `SELECT item_id, label_id FROM feedback_labels WHERE team_id = ? AND item_id IN (${ids.map(() => "?").join(", ")}) ORDER BY label_id`,
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
        `SELECT item_id FROM screenshots WHERE team_id = ? AND item_id IN (${ids.map(() => "?").join(", ")})`,
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

export type NoteRow = { id: string; item_id: string; author_id: string | null; body: string; created_at: number };

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
    `UPDATE feedback_search SET ${column} = ${column} || char(10) || ? WHERE item_id = ? AND team_id = ?`,
    n.body,
    n.item_id,
    n.team_id,
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
    screenshots: db.all<{
      item_id: string;
      content_type: string;
      width: number;
      height: number;
      size: number;
      annotations: string;
      bytes: Buffer;
    }>(
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
