import type { Db } from "./database.ts";
import type { FeedbackRow, ScreenshotFacts } from "./feedback.ts";

/** A feedback item's reporter identities: what a data subject is found (and an erasure re-applied) by. */
export type ReporterIdentityRow = {
  id: string;
  team_id: string;
  project_id: string;
  reporter_email: string | null;
  reporter_anon_id: string | null;
  reporter_user_id: string | null;
  /** The email of the reporter's account, for items sent signed in. */
  account_email: string | null;
  created_at: number;
};

const IDENTITY_SQL = `SELECT f.id, f.team_id, f.project_id, f.reporter_email, f.reporter_anon_id, f.reporter_user_id,
  u.email AS account_email, f.created_at
  FROM feedback_items f LEFT JOIN users u ON u.id = f.reporter_user_id`;

/** Every item of the team that has a reporter identity (the trash included). */
export function teamReporterIdentities(db: Db, teamId: string): ReporterIdentityRow[] {
  return db.all<ReporterIdentityRow>(
    `${IDENTITY_SQL} WHERE f.team_id = ? AND (f.reporter_email IS NOT NULL OR f.reporter_anon_id IS NOT NULL OR f.reporter_user_id IS NOT NULL)`,
    teamId,
  );
}

/** Every item of the instance created at or before `through` that has a reporter identity. */
export function reporterIdentitiesThrough(db: Db, through: number): ReporterIdentityRow[] {
  return db.all<ReporterIdentityRow>(
    `${IDENTITY_SQL} WHERE f.created_at <= ? AND (f.reporter_email IS NOT NULL OR f.reporter_anon_id IS NOT NULL OR f.reporter_user_id IS NOT NULL)`,
    through,
  );
}

const CHUNK = 500;
const chunks = <T>(list: T[]): T[][] =>
  Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) => list.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * Deletes items for good, with their search rows; screenshots, label links, comments, messages and
 * idempotency rows go with them (foreign keys). Returns how many of each went.
 */
export function hardDeleteItems(
  db: Db,
  ids: string[],
): { items: number; screenshots: number; messages: number; comments: number } {
  const out = { items: 0, screenshots: 0, messages: 0, comments: 0 };
  for (const part of chunks(ids)) {
    const marks = part.map(() => "?").join(", ");
    const count = (table: string) =>
      Number(db.get<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE item_id IN (${marks})`, ...part)?.n ?? 0);
    out.screenshots += count("screenshots");
    out.messages += count("feedback_messages");
    out.comments += count("feedback_comments");
    db.run(`DELETE FROM feedback_search WHERE item_id IN (${marks})`, ...part);
    out.items += db.run(`DELETE FROM feedback_items WHERE id IN (${marks})`, ...part).changes;
  }
  return out;
}

/** Ids of a project's items (the trash included) created before `before`. */
export function projectItemsBefore(db: Db, projectId: string, before: number): string[] {
  return db
    .all<{ id: string }>("SELECT id FROM feedback_items WHERE project_id = ? AND created_at < ?", projectId, before)
    .map((r) => r.id);
}

/** Every project's id and settings (for the per-project retention). */
export function allProjectSettings(db: Db): { id: string; settings: string }[] {
  return db.all<{ id: string; settings: string }>("SELECT id, settings FROM projects");
}

export type SubjectItemRow = FeedbackRow & { project_name: string };

/** The team's items among `ids`, with their project's name, oldest first. */
export function subjectItems(db: Db, teamId: string, ids: string[]): SubjectItemRow[] {
  const out: SubjectItemRow[] = [];
  for (const part of chunks(ids)) {
    out.push(
      ...db.all<SubjectItemRow>(
        `SELECT f.id, f.team_id, f.project_id, f.reporter_user_id, f.reporter_anon_id, f.reporter_email, f.reporter_ip,
          f.title, f.comment, f.rating_value, f.rating_scale, f.page_url, f.metadata, f.custom_data, f.status,
          f.assignee_user_id, f.version, f.created_at, f.updated_at, f.deleted_at, p.name AS project_name
          FROM feedback_items f JOIN projects p ON p.id = f.project_id
          WHERE f.team_id = ? AND f.id IN (${part.map(() => "?").join(", ")})`,
        teamId,
        ...part,
      ),
    );
  }
  return out.sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id));
}

export type SubjectMessageRow = {
  id: string;
  item_id: string;
  author_id: string | null;
  body: string;
  created_at: number;
};

/** The messages (the thread with the reporter) of the team's items among `ids`. */
export function subjectMessages(db: Db, teamId: string, ids: string[]): SubjectMessageRow[] {
  const out: SubjectMessageRow[] = [];
  for (const part of chunks(ids))
    out.push(
      ...db.all<SubjectMessageRow>(
        `SELECT id, item_id, author_id, body, created_at FROM feedback_messages WHERE team_id = ? AND item_id IN (${part.map(() => "?").join(", ")}) ORDER BY created_at, id`,
        teamId,
        ...part,
      ),
    );
  return out;
}

/** The screenshots' descriptions (no bytes) of the team's items among `ids`. */
export function subjectScreenshots(db: Db, teamId: string, ids: string[]): ScreenshotFacts[] {
  const out: ScreenshotFacts[] = [];
  for (const part of chunks(ids))
    out.push(
      ...db.all<ScreenshotFacts>(
        `SELECT item_id, content_type, width, height, size, annotations FROM screenshots WHERE team_id = ? AND item_id IN (${part.map(() => "?").join(", ")})`,
        teamId,
        ...part,
      ),
    );
  return out;
}

/** One screenshot's bytes (read one at a time while an export streams). */
export function screenshotBytes(db: Db, teamId: string, itemId: string): Buffer | undefined {
  return db.get<{ bytes: Buffer }>("SELECT bytes FROM screenshots WHERE team_id = ? AND item_id = ?", teamId, itemId)
    ?.bytes;
}
