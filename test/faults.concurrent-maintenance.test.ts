// Invariant (T-R4, concurrent maintenance): API writes while a backup (another process, with its worker
// thread's own connection) and the daily retention job (trash purge and the rest, a third process) run on
// the same database: every write is acknowledged (no 5xx, no SQLITE_BUSY / STORAGE_BUSY reaches a
// client), the backup and the purge succeed, nothing acknowledged is missing, the database is sound.
// Every connection waits (busy_timeout ≥ 5 s) and every write takes the lock up front (BEGIN IMMEDIATE).
// The write latency figures are printed here and by `npm run bench` (bench/maintenance.ts), not asserted.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { percentile, runMaintenanceUnderLoad } from "./support/maintenance-load.ts";
import { ROOT } from "./support/subprocess.ts";

test("T-R4: 8 writers during a backup and a purge: all 201, backup and purge succeed, nothing lost", async () => {
  const result = await runMaintenanceUnderLoad({ writers: 8, trashItems: 60, screenshotBytes: 64 * 1024 });
  console.log(
    `T-R4: ${result.acked} writes acknowledged (${result.duringMs.length} during the ${Math.round(result.maintenanceMs)} ms maintenance); write p50 ${percentile(result.duringMs, 50).toFixed(1)} ms, p99 ${percentile(result.duringMs, 99).toFixed(1)} ms during; statuses ${JSON.stringify(result.statuses)}`,
  );
  expect(result.codes).toEqual({});
  expect(Object.keys(result.statuses)).toEqual(["201"]);
  expect(result.duringMs.length).toBeGreaterThan(0);
  expect(`${result.backup.code} ${result.backup.stderr}`).toBe("0 ");
  expect(result.backup.stdout).toContain("restore drill passed");
  expect(result.purge).toMatchObject({ code: 0, result: { trashPurged: 60 } });
  expect(result.trashLeft).toBe(0);
  expect(result.missing).toEqual([]);
  expect(result.integrity).toBe("ok");
}, 240_000);

test("every connection Loupe opens on the live database sets busy_timeout before its first read, and writes BEGIN IMMEDIATE", () => {
  const database = readFileSync(join(ROOT, "src", "store", "database.ts"), "utf8");
  const open = database.slice(database.indexOf("export function openDatabase"));
  // The busy timeout comes before the key check's first read: a connection opened during a checkpoint waits.
  expect(open.indexOf("busy_timeout")).toBeGreaterThan(0);
  expect(open.indexOf("busy_timeout")).toBeLessThan(open.indexOf("SELECT count(*) AS n FROM sqlite_master"));
  expect(database).toContain('this.exec("BEGIN IMMEDIATE")');
  // No other BEGIN anywhere in src/ (a deferred BEGIN would upgrade its lock late and fail with BUSY).
  const glob = new Bun.Glob("src/**/*.ts");
  const begins = [...glob.scanSync(ROOT)].filter((f) =>
    /\bBEGIN\b(?! IMMEDIATE)/.test(readFileSync(join(ROOT, f), "utf8")),
  );
  expect(begins).toEqual([]);
});
