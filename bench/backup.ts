/**
 * Backups at volume (issue 10): a database of BENCH_BACKUP_MB (default 1024) MB generated with
 * screenshots (random bytes, as incompressible as real WebP), then, in the same run:
 *
 * - backup wall time (snapshot in a worker, tar, SHA-256, age encryption to two recipients, fsync)
 *   ÷ the same work done by the tools: `VACUUM INTO` + Debian's `age -r` on that snapshot (target ≤ 2);
 * - the restore drill's time and a restore's time (verify, swap, migrations, retention);
 * - the longest event-loop stall of this (the serving) process while a backup runs (target ≤ 50 ms);
 * - peak RSS during a backup at a quarter of the size and at the full size (flat in database size).
 *
 * Figures, not assertions; not part of `npm test`.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ageWorkerCount } from "../src/services/backup/age-parallel.ts";
import { readBackupIdentity } from "../src/services/backup/identity.ts";
import { completeRestore, restoreBackup } from "../src/services/backup/restore.ts";
import { vacuumInto } from "../src/store/backup-snapshot.ts";
import { migrate } from "../src/store/migrate.ts";
import { bundledMigrations } from "../src/store/migration-files.ts";
import { openStore } from "../src/store/store.ts";
import { insertItemWithScreenshot } from "../test/support/bulk-items.ts";
import { seedWorld } from "../test/support/teams.ts";

const TARGET_MB = Number(process.env.BENCH_BACKUP_MB ?? 1024);
const SHOT_BYTES = 200 * 1024;
const AGE = "/usr/bin/age";

type World = Awaited<ReturnType<typeof seedWorld>>;

/** Grows the database with items carrying one screenshot each until the file holds `mb` MB. */
export function growTo(w: World, mb: number): void {
  const db = w.t.store.db;
  const now = w.t.clock.now();
  while (statSync(db.path).size + statSync(`${db.path}-wal`, { throwIfNoEntry: false })!.size < mb * 1e6) {
    db.write(() => {
      for (let i = 0; i < 100; i++)
        insertItemWithScreenshot(db, {
          teamId: w.a.team.id,
          projectId: w.a.project.id,
          now,
          title: `Bench item ${i}`,
          screenshot: randomBytes(SHOT_BYTES),
        });
    });
  }
  db.checkpoint();
}

/** Runs `work` while sampling the event loop's longest stall and the process's peak RSS. */
async function observed<T>(
  work: () => Promise<T>,
): Promise<{ result: T; ms: number; stallMs: number; peakRss: number; stalls: string }> {
  let last = performance.now();
  let stallMs = 0;
  let peakRss = process.memoryUsage.rss();
  const started = performance.now();
  // Stalls over 50 ms with when they ended (seconds from the start), to place them in the backup's steps.
  const long: string[] = [];
  const timer = setInterval(() => {
    const now = performance.now();
    const gap = now - last - 5;
    stallMs = Math.max(stallMs, gap);
    if (gap > 50) long.push(`${gap.toFixed(0)} ms at ${((now - started) / 1000).toFixed(1)} s`);
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    return { result, ms: performance.now() - started, stallMs, peakRss, stalls: long.join(", ") || "none" };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchBackup(): Promise<void> {
  const w = await seedWorld();
  const scratch = mkdtempSync(join(tmpdir(), "loupe-bench-backup-"));
  try {
    console.log(
      `backup (database of ≥ ${TARGET_MB} MB with ${SHOT_BYTES / 1024} KiB screenshots; figures, not assertions)`,
    );
    const rows: string[] = [];
    // What this process's event loop shows with no backup at all (other load on the machine).
    const idle = await observed(() => Bun.sleep(3000));
    rows.push(
      `  idle event loop, no backup (3 s): longest stall ${idle.stallMs.toFixed(0)} ms — the noise floor of this machine`,
    );
    let record: Awaited<ReturnType<typeof w.t.backups.backupNow>> | undefined;
    let dbBytes = 0;
    for (const size of [Math.round(TARGET_MB / 4), TARGET_MB]) {
      const grown = performance.now();
      growTo(w, size);
      dbBytes = statSync(w.t.store.db.path).size;
      const run = await observed(() => w.t.backups.backupNow("bench"));
      record = run.result;
      if (!record.drill?.ok) throw new Error(`the drill failed: ${record.drill?.reason}`);
      const drillMs = record.drill.durationMs;
      const backupMs = run.ms - drillMs;
      rows.push(
        `  ${mb(dbBytes).padStart(8)} database (generated in ${s(performance.now() - grown)}): backup ${s(backupMs)}, drill ${s(drillMs)}, ` +
          `file ${mb(record.bytes)}; longest event-loop stall ${run.stallMs.toFixed(0)} ms (target ≤ 50); peak RSS ${mb(run.peakRss)}`,
      );
      rows.push(`      stalls over 50 ms: ${run.stalls} (the drill started at ${s(backupMs)})`);
    }
    if (!record) throw new Error("no backup was taken");

    // The same snapshot and encryption done by the tools, interleaved with Loupe's backup, median of 3 rounds.
    const identity = await readBackupIdentity(w.t.config.keyDir);
    const ratios: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const snapshot = join(scratch, "snapshot.db");
      const vacuumStart = performance.now();
      vacuumInto(w.t.store.db, snapshot);
      const vacuumMs = performance.now() - vacuumStart;
      const ageStart = performance.now();
      const age = spawnSync(AGE, ["-r", identity.recipient, "-o", join(scratch, "snapshot.age"), snapshot]);
      const ageMs = performance.now() - ageStart;
      if (age.status !== 0) throw new Error(`age failed: ${age.stderr}`);
      rmSync(join(scratch, "snapshot.age"), { force: true });
      rmSync(snapshot, { force: true });
      const oursStart = performance.now();
      const ours = await w.t.backups.backupNow("bench");
      if (!ours.drill?.ok) throw new Error(`the drill failed: ${ours.drill?.reason}`);
      const oursMs = performance.now() - oursStart - ours.drill.durationMs;
      ratios.push(oursMs / (vacuumMs + ageMs));
      rows.push(
        `  round ${round}: baseline VACUUM INTO ${s(vacuumMs)} + age -r ${s(ageMs)} = ${s(vacuumMs + ageMs)}; ` +
          `backup ${s(oursMs)} (${ageWorkerCount()} encryption workers); ratio ${ratios.at(-1)!.toFixed(2)}×`,
      );
    }
    ratios.sort((a, b) => a - b);
    rows.push(`  backup ÷ baseline, median of 3 interleaved rounds: ${ratios[1]!.toFixed(2)}× (target ≤ 2)`);

    {
      // A restore of that backup into a fresh data directory (verify, swap, migrations, retention).
      const target = join(scratch, "restored");
      const restoreStart = performance.now();
      await restoreBackup({
        dataDir: target,
        keyDir: w.t.config.keyDir,
        masterKey: w.t.config.masterKey,
        file: join(w.t.config.backup.dir, record.name),
        knownMigrations: bundledMigrations().map((m) => m.name),
        now: w.t.clock.now(),
        afterSwap: (check) => {
          const store = openStore({ dataDir: target, masterKey: w.t.config.masterKey, create: false });
          try {
            migrate(store.db, bundledMigrations(), w.t.clock.now);
            completeRestore(
              { ...w.t.ctx, db: store.db, keyring: store.keyring, dataDir: target, auditHead: undefined },
              check,
            );
          } finally {
            store.close();
          }
        },
      });
      rows.push(
        `  restore of ${mb(dbBytes)} (drill included, then swap, migrations, retention): ${s(performance.now() - restoreStart)}`,
      );
    }
    for (const row of rows) console.log(row);
  } finally {
    w.t.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchBackup();
