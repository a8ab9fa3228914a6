import type { Db } from "./database.ts";

export type ActivityEventRow = {
  id: string;
  at: number;
  type: string;
  actor_id: string | null;
  user_id: string | null;
  target_id: string | null;
  team_id: string | null;
  outcome: "success" | "failure";
};

export function insertActivityEvent(db: Db, e: ActivityEventRow): void {
  db.run(
    "INSERT INTO activity_events (id, at, type, actor_id, user_id, target_id, team_id, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    e.id,
    e.at,
    e.type,
    e.actor_id,
    e.user_id,
    e.target_id,
    e.team_id,
    e.outcome,
  );
}

/** Deletes activity events recorded before `before`; returns how many. */
export function deleteActivityEventsBefore(db: Db, before: number): number {
  return db.run("DELETE FROM activity_events WHERE at < ?", before).changes;
}
