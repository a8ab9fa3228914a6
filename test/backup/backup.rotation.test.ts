// Invariant (issue 10 point 6, T-L5, T-B4): every daily backup is kept 30 days, one per ISO week from 30 to
// 90 days, nothing 90 days old exists; thinning runs only after a backup passed its drill. 200 simulated
// days on an injected clock, the exact kept set asserted each day against an oracle written differently.
import { expect, test } from "bun:test";
import { readdirSync, writeFileSync } from "node:fs";
import { backupFileName, backupTime, sidecarName } from "../../src/services/backup/format.ts";
import { backupsToKeep, expireDirectory, isoWeek, rotateDirectory } from "../../src/services/backup/rotation.ts";
import { tempDir } from "../support/temp.ts";

const DAY = 86_400_000;

/** The oracle: weeks named by their Monday's date; the earliest surviving passed backup of a week is its keeper. */
function expected(all: { name: string; at: number; ok: boolean }[], now: number): string[] {
  const monday = (at: number) => {
    const d = new Date(at);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7)))
      .toISOString()
      .slice(0, 10);
  };
  const keep: string[] = [];
  const firstOfWeek = new Map<string, number>();
  for (const b of [...all].sort((x, y) => x.at - y.at)) {
    const age = now - b.at;
    if (age < 30 * DAY) keep.push(b.name);
    else if (age < 90 * DAY && b.ok && !firstOfWeek.has(monday(b.at))) {
      firstOfWeek.set(monday(b.at), b.at);
      keep.push(b.name);
    }
  }
  return keep.sort();
}

test("ISO weeks: year boundaries as ISO 8601 counts them", () => {
  expect(isoWeek(Date.UTC(2026, 0, 1))).toBe("2026-W01"); // a Thursday
  expect(isoWeek(Date.UTC(2027, 0, 1))).toBe("2026-W53"); // a Friday: the last week of 2026
  expect(isoWeek(Date.UTC(2024, 11, 30))).toBe("2025-W01"); // a Monday in week 1 of 2025
  expect(isoWeek(Date.UTC(2026, 10, 30))).toBe("2026-W49");
});

test("200 simulated days: the exact set kept each day; 30 daily + the weekly ones at steady state; nothing 90 days old", () => {
  const dir = tempDir();
  try {
    const start = Date.UTC(2026, 0, 1, 3, 0, 0);
    // The oracle's own account of what exists (a deleted backup never comes back).
    let survivors: { name: string; at: number; ok: boolean }[] = [];
    for (let day = 0; day < 200; day++) {
      const now = start + day * DAY;
      const name = backupFileName(now);
      // Every 17th day's backup fails its drill: it is kept its 30 days but never a weekly keeper, and no thinning runs that day.
      const ok = day % 17 !== 5;
      writeFileSync(`${dir.path}/${name}`, "x");
      writeFileSync(`${dir.path}/${sidecarName(name)}`, JSON.stringify({ name, drill: { ok } }));
      survivors.push({ name, at: now, ok });
      if (ok) rotateDirectory(dir.path, now);
      else expireDirectory(dir.path, now);
      const present = readdirSync(dir.path).filter((n) => n.endsWith(".age"));
      for (const n of present) expect(now - backupTime(n)!).toBeLessThan(90 * DAY);
      const kept = ok ? expected(survivors, now) : survivors.filter((b) => now - b.at < 90 * DAY).map((b) => b.name);
      survivors = survivors.filter((b) => kept.includes(b.name));
      expect({ day, kept: present.sort() }).toEqual({ day, kept: [...kept].sort() });
      if (ok) {
        // Sidecars go with their backups.
        expect(readdirSync(dir.path).filter((n) => n.endsWith(".json")).length).toBe(present.length);
      }
      if (day >= 120 && ok) {
        expect(present.filter((n) => now - backupTime(n)! < 30 * DAY).length).toBe(30);
        expect(present.length).toBeGreaterThanOrEqual(38);
        expect(present.length).toBeLessThanOrEqual(40);
      }
    }
  } finally {
    dir.remove();
  }
});

test("the pure rule: what passed its drill may be the week's keeper, what failed may not", () => {
  const now = Date.UTC(2026, 5, 1);
  const at = (days: number) => now - days * DAY;
  const keep = backupsToKeep(
    [
      { name: "a", at: at(40), drillPassed: false },
      { name: "b", at: at(39), drillPassed: true },
      { name: "c", at: at(91), drillPassed: true },
      { name: "d", at: at(5), drillPassed: false },
    ],
    now,
  );
  expect([...keep].sort()).toEqual(["b", "d"]);
});
