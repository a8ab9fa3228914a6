/**
 * T-R4's scene, shared by its test and its bench: the real server under concurrent widget writes while
 * a backup (`loupe backup now`, its own process and worker thread) and the daily retention job (trash
 * purge and the rest, in a third process) run against the same database. Records every write's status,
 * problem code and latency; afterwards checks that every acknowledged write is in the database.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "bun";
import { openStore } from "../../src/store/store.ts";
import { feedbackForm, pngOfSize } from "./images.ts";
import { BUN, CLI, childEnv, ROOT, runCli, startServerProcess } from "./subprocess.ts";
import { seedTeam } from "./teams.ts";
import { createTestApp, fastPasswords } from "./test-app.ts";

export type MaintenanceLoadOptions = {
  /** Concurrent HTTP writers. */
  writers: number;
  /** Items (each with a screenshot of `screenshotBytes`) put in the trash before, purged during the load. */
  trashItems: number;
  screenshotBytes: number;
  /** Writes per writer before the maintenance starts (the baseline); default 3. */
  warmUpWrites?: number;
};

export type MaintenanceLoadResult = {
  statuses: Record<string, number>;
  /** Problem codes of the refused writes (e.g. STORAGE_BUSY), with their counts. */
  codes: Record<string, number>;
  /** Latency of every write that started while the maintenance ran (ms). */
  duringMs: number[];
  /** Latency of the writes before the maintenance started: the same run's baseline (ms). */
  beforeMs: number[];
  /** Latency of every write (ms). */
  allMs: number[];
  maintenanceMs: number;
  backup: { code: number; stdout: string; stderr: string };
  purge: { code: number; result: Record<string, unknown> };
  acked: number;
  missing: string[];
  integrity: unknown;
  trashLeft: number;
};

const DAY = 86_400_000;

/** The p-th percentile (0–100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export async function runMaintenanceUnderLoad(options: MaintenanceLoadOptions): Promise<MaintenanceLoadResult> {
  // The server's own start-up retention runs on the real clock: the trash must be fresh then, and 31 days
  // old for the purge process (TEST_CLOCK_OFFSET_MS).
  const t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, clockStart: Date.now() });
  try {
    const a = await seedTeam(t, "alpha");
    const T = `/api/v1/teams/${a.team.id}`;
    const screenshot = pngOfSize(options.screenshotBytes);
    for (let i = 0; i < options.trashItems; i++) {
      const res = await a.owner.browser.post(
        `${T}/feedback`,
        feedbackForm({ projectId: a.project.id, comment: `to be purged ${i}` }, { bytes: screenshot }),
      );
      if (res.status !== 201) throw new Error(`seeding: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const deleted = await a.owner.browser.delete(`${T}/feedback/${id}`);
      if (deleted.status !== 200) throw new Error(`trashing: ${deleted.status}`);
    }
    // A recent backup: the server's start-up catch-up has nothing to do, the one under test is ours.
    await t.backups.backupNow("seed");
    const env = {
      LOUPE_DATA_DIR: t.config.dataDir,
      LOUPE_KEY_DIR: t.config.keyDir,
      LOUPE_MASTER_KEY: (t.config.masterKey as { key: Buffer }).key.toString("base64"),
      LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "10000",
      LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: "100000",
    };
    t.store.close();

    const server = await startServerProcess(CLI, env);
    const statuses: Record<string, number> = {};
    const codes: Record<string, number> = {};
    const allMs: number[] = [];
    const duringMs: number[] = [];
    const beforeMs: number[] = [];
    const ackedIds: string[] = [];
    let maintenance: "before" | "running" | "done" = "before";
    let stop = false;
    // Waits for a state of the writers (checked after every write), never for a time.
    const waiters = new Set<() => void>();
    const until = (condition: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!condition()) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      });
    const small = pngOfSize(16 * 1024);
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const payload = {
          comment: `writer ${w} #${i} ${"x".repeat(1500)}`,
          idempotencyId: crypto.randomUUID().replaceAll("-", ""),
        };
        const withScreenshot = i % 4 === 0;
        const phase = maintenance;
        const started = performance.now();
        let res: Response;
        let body: { id?: string; code?: string };
        try {
          res = await fetch(`${server.url}/api/v1/widget/${a.project.widgetKey}/feedback`, {
            method: "POST",
            headers: withScreenshot
              ? { Origin: a.siteOrigin }
              : { Origin: a.siteOrigin, "Content-Type": "application/json" },
            body: withScreenshot ? feedbackForm(payload, { bytes: small }) : JSON.stringify(payload),
          });
          body = (await res.json()) as { id?: string; code?: string };
        } catch {
          // The connection failed (the server died): recorded as a refusal, which ends the waits.
          codes.connection_failed = (codes.connection_failed ?? 0) + 1;
          for (const check of [...waiters]) check();
          return;
        }
        const ms = performance.now() - started;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        allMs.push(ms);
        if (phase === "running" || maintenance === "running") duringMs.push(ms);
        else if (phase === "before" && maintenance === "before") beforeMs.push(ms);
        if (res.status === 201 && body.id) ackedIds.push(body.id);
        else codes[body.code ?? `status_${res.status}`] = (codes[body.code ?? `status_${res.status}`] ?? 0) + 1;
        for (const check of [...waiters]) check();
      }
    };
    let backup: MaintenanceLoadResult["backup"] = { code: -1, stdout: "", stderr: "" };
    let purge: MaintenanceLoadResult["purge"] = { code: -1, result: {} };
    let maintenanceMs = 0;
    try {
      const writers = Array.from({ length: options.writers }, (_, w) => writer(w));
      // Writes first flow, then the maintenance starts under them.
      await until(
        () => ackedIds.length >= options.writers * (options.warmUpWrites ?? 3) || Object.keys(codes).length > 0,
      );
      maintenance = "running";
      const started = performance.now();
      const purgeProc = spawn([BUN, join(ROOT, "test", "support", "retention-runner.ts")], {
        cwd: ROOT,
        env: childEnv({ ...env, TEST_CLOCK_OFFSET_MS: String(31 * DAY) }),
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const [backupRun, purgeOut, purgeCode] = await Promise.all([
        runCli(["backup", "now"], env),
        new Response(purgeProc.stdout).text(),
        purgeProc.exited,
      ]);
      maintenanceMs = performance.now() - started;
      maintenance = "done";
      backup = backupRun;
      purge = { code: purgeCode, result: JSON.parse(purgeOut.trim().split("\n").at(-1) ?? "{}") };
      // A few more writes after the maintenance, then stop.
      const settled = ackedIds.length;
      await until(() => ackedIds.length >= settled + options.writers || Object.keys(codes).length > 0);
      stop = true;
      await Promise.all(writers);
    } finally {
      stop = true;
      server.proc.kill("SIGTERM");
      await server.exited;
    }

    const store = openStore({ dataDir: t.config.dataDir, masterKey: t.config.masterKey, create: false });
    try {
      const present = new Set(store.db.all<{ id: string }>("SELECT id FROM feedback_items").map((r) => r.id));
      const trashLeft = Number(
        store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_items WHERE deleted_at IS NOT NULL")?.n ?? -1,
      );
      return {
        statuses,
        codes,
        duringMs,
        beforeMs,
        allMs,
        maintenanceMs,
        backup,
        purge,
        acked: ackedIds.length,
        missing: ackedIds.filter((id) => !present.has(id)),
        integrity: store.db.pragma("integrity_check"),
        trashLeft,
      };
    } finally {
      store.close();
    }
  } finally {
    rmSync(t.dir, { recursive: true, force: true });
  }
}
