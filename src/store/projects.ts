import type { Db } from "./database.ts";

export type ProjectRow = {
  id: string;
  team_id: string;
  name: string;
  widget_key: string;
  settings: string;
  created_at: number;
  updated_at: number;
};
const COLUMNS = "id, team_id, name, widget_key, settings, created_at, updated_at";

export function insertProject(db: Db, p: ProjectRow): void {
  db.run(
    `INSERT INTO projects (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    p.id,
    p.team_id,
    p.name,
    p.widget_key,
    p.settings,
    p.created_at,
    p.updated_at,
  );
}

export function findProject(db: Db, teamId: string, id: string): ProjectRow | undefined {
  return db.get<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE team_id = ? AND id = ?`, teamId, id);
}

export function listProjects(db: Db, teamId: string): ProjectRow[] {
  return db.all<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE team_id = ? ORDER BY name, id`, teamId);
}

export function updateProject(db: Db, teamId: string, id: string, name: string, settings: string, now: number): number {
  return db.run(
    "UPDATE projects SET name = ?, settings = ?, updated_at = ? WHERE team_id = ? AND id = ?",
    name,
    settings,
    now,
    teamId,
    id,
  ).changes;
}

export function setWidgetKey(db: Db, teamId: string, id: string, key: string, now: number): number {
  return db.run("UPDATE projects SET widget_key = ?, updated_at = ? WHERE team_id = ? AND id = ?", key, now, teamId, id)
    .changes;
}

export function deleteProject(db: Db, teamId: string, id: string): number {
  db.run(
    "DELETE FROM feedback_search WHERE team_id = ? AND item_id IN (SELECT id FROM feedback_items WHERE team_id = ? AND project_id = ?)",
    teamId,
    teamId,
    id,
  );
  return db.run("DELETE FROM projects WHERE team_id = ? AND id = ?", teamId, id).changes;
}

export function findProjectByWidgetKey(db: Db, key: string): ProjectRow | undefined {
  return db.get<ProjectRow>(`SELECT ${COLUMNS} FROM projects WHERE widget_key = ?`, key);
}

export type LabelRow = { id: string; team_id: string; name: string; color: string; created_at: number };

export function insertLabel(db: Db, l: LabelRow): void {
  db.run(
    "INSERT INTO labels (id, team_id, name, color, created_at) VALUES (?, ?, ?, ?, ?)",
    l.id,
    l.team_id,
    l.name,
    l.color,
    l.created_at,
  );
}

export function listLabels(db: Db, teamId: string): LabelRow[] {
  return db.all<LabelRow>(
    "SELECT id, team_id, name, color, created_at FROM labels WHERE team_id = ? ORDER BY name",
    teamId,
  );
}

export function findLabelByName(db: Db, teamId: string, name: string): LabelRow | undefined {
  return db.get<LabelRow>(
    "SELECT id, team_id, name, color, created_at FROM labels WHERE team_id = ? AND name = ?",
    teamId,
    name,
  );
}

export function findLabel(db: Db, teamId: string, id: string): LabelRow | undefined {
  return db.get<LabelRow>(
    "SELECT id, team_id, name, color, created_at FROM labels WHERE team_id = ? AND id = ?",
    teamId,
    id,
  );
}

export function updateLabel(db: Db, teamId: string, id: string, name: string, color: string): number {
  return db.run("UPDATE labels SET name = ?, color = ? WHERE team_id = ? AND id = ?", name, color, teamId, id).changes;
}

export function deleteLabel(db: Db, teamId: string, id: string): number {
  return db.run("DELETE FROM labels WHERE team_id = ? AND id = ?", teamId, id).changes;
}

/** The ids among `ids` that are labels of the team. */
export function teamLabelIds(db: Db, teamId: string, ids: string[]): string[] {
  if (ids.length === 0) return [];
  return db
    .all<{ id: string }>(
      `SELECT id FROM labels WHERE team_id = ? AND id IN (${ids.map(() => "?").join(", ")})`,
      teamId,
      ...ids,
    )
    .map((r) => r.id);
}
