/**
 * Storage throughput: the encrypted database beside the same workload on an unencrypted libsql
 * database, measured in the same run. Same code path (openDatabase: WAL, synchronous=FULL), only
 * the cipher differs. Target: encrypted ≥ 0.6× plain.
 */

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Db, openDatabase } from "../src/store/database.ts";

const INSERTS = Number(process.env.BENCH_INSERTS ?? 3000);
const READS = Number(process.env.BENCH_READS ?? 100_000);
const PAYLOAD = "x".repeat(1500); // about the size of one feedback item's text

type Figures = { insertsPerSec: number; batchedInsertsPerSec: number; readsPerSec: number };

function measure(db: Db): Figures {
  db.write(() => db.exec("CREATE TABLE bench (id TEXT PRIMARY KEY, team_id TEXT NOT NULL, body TEXT NOT NULL) STRICT"));
  const ids: string[] = [];
  let start = performance.now();
  for (let i = 0; i < INSERTS; i++) {
    const id = randomBytes(16).toString("base64url");
    ids.push(id);
    // One acknowledged write = one transaction = one fsync (synchronous=FULL).
    db.write(() => db.run("INSERT INTO bench (id, team_id, body) VALUES (?, 'team-a', ?)", id, PAYLOAD));
  }
  const insertsPerSec = INSERTS / ((performance.now() - start) / 1000);

  start = performance.now();
  db.write(() => {
    for (let i = 0; i < INSERTS * 5; i++) {
      const id = randomBytes(16).toString("base64url");
      ids.push(id);
      db.run("INSERT INTO bench (id, team_id, body) VALUES (?, 'team-a', ?)", id, PAYLOAD);
    }
  });
  const batchedInsertsPerSec = (INSERTS * 5) / ((performance.now() - start) / 1000);

  start = performance.now();
  for (let i = 0; i < READS; i++) {
    const row = db.get("SELECT id, body FROM bench WHERE id = ? AND team_id = 'team-a'", ids[(i * 7919) % ids.length]!);
    if (!row) throw new Error("missing row");
  }
  const readsPerSec = READS / ((performance.now() - start) / 1000);
  return { insertsPerSec, batchedInsertsPerSec, readsPerSec };
}

export async function benchStorage(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-storage-"));
  try {
    const plainDb = openDatabase(join(dir, "plain.db"), "");
    const plain = measure(plainDb);
    plainDb.close();
    const encryptedDb = openDatabase(join(dir, "encrypted.db"), randomBytes(32).toString("hex"));
    const encrypted = measure(encryptedDb);
    encryptedDb.close();
    const row = (label: string, key: keyof Figures) =>
      `  ${label.padEnd(38)} ${encrypted[key].toFixed(0).padStart(9)}/s  plain ${plain[key].toFixed(0).padStart(9)}/s  ratio ${(encrypted[key] / plain[key]).toFixed(2)}×`;
    console.log("storage (encrypted libsql vs unencrypted libsql, same run; target ratio ≥ 0.60×)");
    console.log(row(`inserts, 1 tx each, sync=FULL (n=${INSERTS})`, "insertsPerSec"));
    console.log(row(`inserts, batched in 1 tx (n=${INSERTS * 5})`, "batchedInsertsPerSec"));
    console.log(row(`point reads by id + team (n=${READS})`, "readsPerSec"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) await benchStorage();
