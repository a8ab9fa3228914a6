// Invariant (T-R3, disk full): with the data directory on a real, small filesystem that fills up, the
// real server answers every write it cannot store 507 STORAGE_FULL with Retry-After (never 201, never
// 500), stays alive, reports degraded in /readyz and the metrics, refuses a backup for lack of space,
// loses nothing it acknowledged, and — once space is freed — takes writes again without a restart.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "../src/store/store.ts";
import { feedbackForm, pngOfSize } from "./support/images.ts";
import { parsePrometheusText, sampleValue } from "./support/prometheus.ts";
import { CLI, runCli, startServerProcess } from "./support/subprocess.ts";
import { seedTeam } from "./support/teams.ts";
import { tempDir } from "./support/temp.ts";
import { createTestApp, fastPasswords } from "./support/test-app.ts";
import { canMountTmpfs, mountTmpfs } from "./support/tmpfs.ts";

const dir = tempDir();
afterAll(() => dir.remove());

const mountable = canMountTmpfs(dir.path);
if (!mountable.ok) {
  const message = `faults.disk-full (T-R3): SKIPPED — cannot mount a tmpfs here (${mountable.reason}); the simulated SQLITE_FULL test (test/http/storage-full.test.ts) still runs`;
  if (process.env.CI) throw new Error(message);
  console.warn(message);
}

const newId = () => crypto.randomUUID().replaceAll("-", "");

test.skipIf(!mountable.ok)(
  "T-R3: a full data volume → 507 + Retry-After, degraded, 0 acknowledged submissions lost, recovery without restart",
  async () => {
    const volume = mountTmpfs(join(dir.path, "vol"), "8m");
    if (!volume.ok) throw new Error(volume.reason);
    const dataDir = join(volume.fs.path, "data");
    try {
      // A team, a project and its widget key on the small volume; then the real server on it.
      const t = createTestApp(
        { LOUPE_DATA_DIR: dataDir },
        { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 },
      );
      const a = await seedTeam(t, "alpha");
      const masterKey = (t.config.masterKey as { key: Buffer }).key.toString("base64");
      const keyDir = t.config.keyDir;
      const backupDir = t.config.backup.dir;
      t.store.close();
      // Space to give back later: a filler file that takes a quarter of the volume.
      const filler = join(volume.fs.path, "filler");
      writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024, 1));
      const env = {
        LOUPE_DATA_DIR: dataDir,
        LOUPE_KEY_DIR: keyDir,
        LOUPE_MASTER_KEY: masterKey,
        LOUPE_METRICS_PORT: "0",
        LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "10000",
        LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: "100000",
      };
      const server = await startServerProcess(CLI, env);
      const acked: string[] = [];
      const statuses = new Map<number, number>();
      const screenshot = pngOfSize(96 * 1024);
      const submit = (withScreenshot: boolean) => {
        const payload = { comment: `disk-full probe ${newId()}`, idempotencyId: newId() };
        return fetch(`${server.url}/api/v1/widget/${a.project.widgetKey}/feedback`, {
          method: "POST",
          headers: withScreenshot
            ? { Origin: a.siteOrigin }
            : { Origin: a.siteOrigin, "Content-Type": "application/json" },
          body: withScreenshot ? feedbackForm(payload, { bytes: screenshot }) : JSON.stringify(payload),
        });
      };
      const refusals: Array<{ code: string; retryAfter: string | null; type: string | null }> = [];
      const record = async (res: Response) => {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acked.push(((await res.json()) as { id: string }).id);
        else {
          refusals.push({
            code: ((await res.json()) as { code: string }).code,
            retryAfter: res.headers.get("Retry-After"),
            type: res.headers.get("Content-Type"),
          });
        }
      };
      try {
        // Fill the volume: screenshots (the blob write path) until 5 in a row are refused, then small
        // text-only submissions (what still fits may be taken; what does not must be refused cleanly).
        let refusedInARow = 0;
        for (let i = 0; i < 400 && refusedInARow < 5; i++) {
          const res = await submit(true);
          await record(res);
          refusedInARow = res.status === 201 ? 0 : refusedInARow + 1;
        }
        expect(refusedInARow).toBe(5);
        for (let i = 0; i < 20; i++) await record(await submit(false));
        const free = statfsSync(volume.fs.path);
        console.log(
          `T-R3: ${acked.length} acknowledged, statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${free.bavail * free.bsize} bytes left on the 8 MiB volume`,
        );
        expect([...statuses.keys()].sort()).toEqual([201, 507]);
        expect(acked.length).toBeGreaterThan(5);
        for (const r of refusals)
          expect(r).toEqual({
            code: "STORAGE_FULL",
            retryAfter: "60",
            type: "application/problem+json; charset=utf-8",
          });

        // Alive, and honest about it.
        expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
        const degraded = await fetch(`${server.url}/readyz`);
        expect(degraded.status).toBe(200);
        expect(await degraded.json()).toMatchObject({ status: "degraded", checks: { storage: "full" } });
        await server.waitForStdout('"metrics.listening"');
        const metricsLine =
          server
            .stdout()
            .split("\n")
            .find((l) => l.includes('"metrics.listening"')) ?? "{}";
        const metricsUrl = `http://127.0.0.1:${(JSON.parse(metricsLine) as { port: number }).port}/metrics`;
        const metrics = parsePrometheusText(await (await fetch(metricsUrl)).text());
        expect(sampleValue(metrics, "loupe_database_storage_full")).toBe(1);
        expect(sampleValue(metrics, "loupe_storage_full_total")).toBe(statuses.get(507));

        // A backup while the volume is full is refused for lack of space, and leaves nothing behind.
        const backup = await runCli(["backup", "now"], env);
        expect(backup.code).not.toBe(0);
        // Refused before any file is written: by the free-space check, or by the store's own STORAGE_FULL.
        expect(backup.stderr).toMatch(/storage is full|free space/);
        expect(existsSync(backupDir) ? readdirSync(backupDir).filter((n) => n.endsWith(".age")) : []).toEqual([]);
        expect(server.proc.exitCode).toBeNull();

        // Space comes back: the very next write is taken, no restart.
        rmSync(filler);
        const next = await submit(true);
        expect(next.status).toBe(201);
        acked.push(((await next.json()) as { id: string }).id);
        expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({
          status: "ready",
          checks: { storage: "ok" },
        });
        const after = parsePrometheusText(await (await fetch(metricsUrl)).text());
        expect(sampleValue(after, "loupe_database_storage_full")).toBe(0);
      } finally {
        server.proc.kill("SIGTERM");
        expect(await server.exited).toBe(0);
      }

      // Every acknowledged submission is there, screenshots included, and the database is sound.
      const store = openStore({ dataDir, masterKey: t.config.masterKey, create: false });
      try {
        expect(store.db.pragma("integrity_check")).toBe("ok");
        const present = new Set(
          store.db
            .all<{ id: string }>("SELECT id FROM feedback_items WHERE project_id = ?", a.project.id)
            .map((r) => r.id),
        );
        expect(acked.filter((id) => !present.has(id))).toEqual([]);
      } finally {
        store.close();
      }
    } finally {
      volume.fs.unmount();
    }
  },
  120_000,
);
