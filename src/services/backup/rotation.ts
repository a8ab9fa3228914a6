import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { backupTime, sidecarName } from "./format.ts";

/**
 * Rotation: every backup is kept 30 days; from 30 to 90 days, one per ISO week (the oldest of that
 * week whose drill passed); nothing older than 90 days exists. Pure, so the 200-day simulation can
 * assert the exact kept set; applied only after a new backup has passed its drill.
 */
export const DAY_MS = 86_400_000;
export const DAILY_DAYS = 30;
export const MAX_DAYS = 90;

export type RotationCandidate = { name: string; at: number; drillPassed: boolean };

/** The ISO 8601 week of a UTC instant, as "YYYY-Www" (the week-numbering year). */
export function isoWeek(at: number): string {
  const d = new Date(at);
  const day = d.getUTCDay() || 7; // Monday 1 … Sunday 7
  // The Thursday of the same week decides the week-numbering year.
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 4 - day));
  const year = thursday.getUTCFullYear();
  const week = Math.ceil(((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The names to keep at `now`. */
export function backupsToKeep(backups: RotationCandidate[], now: number): Set<string> {
  const keep = new Set<string>();
  const weekly = new Map<string, RotationCandidate>();
  for (const b of backups) {
    const age = now - b.at;
    if (age >= MAX_DAYS * DAY_MS) continue;
    if (age < DAILY_DAYS * DAY_MS) {
      keep.add(b.name);
      continue;
    }
    if (!b.drillPassed) continue;
    const week = isoWeek(b.at);
    const held = weekly.get(week);
    if (!held || b.at < held.at || (b.at === held.at && b.name < held.name)) weekly.set(week, b);
  }
  for (const b of weekly.values()) keep.add(b.name);
  return keep;
}

/** Whether a backup's sidecar records a passed drill. */
export function drillPassed(dir: string, name: string): boolean {
  try {
    const sidecar = JSON.parse(readFileSync(join(dir, sidecarName(name)), "utf8")) as { drill?: { ok?: unknown } };
    return sidecar.drill?.ok === true;
  } catch {
    return false;
  }
}

/** The backups in `dir` (by file name), oldest first. */
export function backupsIn(dir: string): RotationCandidate[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return (
    names
      .flatMap((name) => {
        const at = backupTime(name);
        return at === undefined ? [] : [{ name, at, drillPassed: drillPassed(dir, name) }];
      })
      // Same second: the suffixed name ("-1") is the later one.
      .sort((a, b) => a.at - b.at || a.name.length - b.name.length || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  );
}

/** Deletes what rotation does not keep (with sidecars); returns the deleted names. */
export function rotateDirectory(dir: string, now: number): string[] {
  const all = backupsIn(dir);
  const keep = backupsToKeep(all, now);
  const deleted: string[] = [];
  for (const b of all) {
    if (keep.has(b.name)) continue;
    rmSync(join(dir, b.name), { force: true });
    rmSync(join(dir, sidecarName(b.name)), { force: true });
    deleted.push(b.name);
  }
  return deleted;
}

/**
 * Deletes only what is 90 days old or more, whatever the drills said: runs even when rotation waits
 * for a backup that passes, so the promise "nothing older than 90 days exists" holds regardless.
 */
export function expireDirectory(dir: string, now: number): string[] {
  const deleted: string[] = [];
  for (const b of backupsIn(dir)) {
    if (now - b.at < MAX_DAYS * DAY_MS) continue;
    rmSync(join(dir, b.name), { force: true });
    rmSync(join(dir, sidecarName(b.name)), { force: true });
    deleted.push(b.name);
  }
  return deleted;
}
