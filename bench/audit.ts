/**
 * What an audit entry costs a durable write: single-transaction writes (synchronous=FULL, one fsync
 * each) on the encrypted database without an audit entry, with one and the head anchored as the
 * server does (coalesced, at most once a second), and with one and the head file replaced at every
 * commit (the former behaviour: three more fsyncs). Interleaved rounds, median of 3.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/lib/logger.ts";
import { appendAudit } from "../src/services/audit/audit.ts";
import { createAuditHeadAnchor, type Scheduler } from "../src/services/audit/audit-head.ts";
import { migrate } from "../src/store/migrate.ts";
import { bundledMigrations } from "../src/store/migration-files.ts";
import { openStore } from "../src/store/store.ts";

const WRITES = Number(process.env.BENCH_AUDIT_WRITES ?? 300);
const ROUNDS = 3;
const PAYLOAD = "x".repeat(1500);

/** Runs timers by the wall clock between writes (the loop never yields to the event loop). */
function pollingScheduler(): { schedule: Scheduler; tick(): void } {
  const tasks = new Set<{ at: number; run: () => void }>();
  return {
    schedule(run, delayMs) {
      const task = { at: performance.now() + delayMs, run };
      tasks.add(task);
      return () => void tasks.delete(task);
    },
    tick() {
      const now = performance.now();
      for (const task of [...tasks]) {
        if (task.at > now) continue;
        tasks.delete(task);
        task.run();
      }
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchAudit(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-audit-"));
  const store = openStore({ dataDir: dir, masterKey: { kind: "env", key: randomBytes(32) } });
  try {
    const { db } = store;
    migrate(db, bundledMigrations());
    db.write(() => db.exec("CREATE TABLE bench (id TEXT PRIMARY KEY, body TEXT NOT NULL) STRICT"));
    const logger = createLogger({ level: "error", sink: () => {} });
    const timers = pollingScheduler();
    const base = { db, keyring: store.keyring, clock: { now: () => Date.now() }, logger, dataDir: dir };
    const anchored = {
      ...base,
      auditHead: createAuditHeadAnchor({ dataDir: dir, key: store.keyring.audit, logger, schedule: timers.schedule }),
    };
    const modes = {
      "no audit entry": () => undefined,
      "audit entry, head anchored ≤ 1/s": () =>
        appendAudit(anchored, { action: "feedback.created", actorId: "bench", targetId: "item", teamId: "team" }),
      "audit entry, head file each commit": () =>
        appendAudit(base, { action: "feedback.created", actorId: "bench", targetId: "item", teamId: "team" }),
    } as const;
    type Mode = keyof typeof modes;
    const names = Object.keys(modes) as Mode[];
    const rates = new Map<Mode, number[]>(names.map((m) => [m, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order so that no mode always runs first (or on a warmer cache).
      for (const mode of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
        const start = performance.now();
        for (let i = 0; i < WRITES; i++) {
          db.write(() => {
            db.run("INSERT INTO bench (id, body) VALUES (?, ?)", randomBytes(16).toString("base64url"), PAYLOAD);
            modes[mode]();
          });
          timers.tick();
        }
        rates.get(mode)!.push(WRITES / ((performance.now() - start) / 1000));
      }
    }
    anchored.auditHead.close();
    const plain = median(rates.get("no audit entry")!);
    console.log(
      `audit (durable single-transaction writes/s, synchronous=FULL, encrypted; ${WRITES} writes × ${ROUNDS} interleaved rounds, median)`,
    );
    for (const mode of names) {
      const rate = median(rates.get(mode)!);
      console.log(
        `  ${mode.padEnd(38)} ${rate.toFixed(0).padStart(7)}/s  ratio to no audit entry ${(rate / plain).toFixed(2)}×`,
      );
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchAudit();
