// Invariant (T-B1, issue 10 points 1, 7, 8): `loupe backup now` runs while the server serves a stream of
// writes — none fails (no SQLITE_BUSY reaches a client), the snapshot holds between the writes committed
// before and after it, its drill passes; `loupe backup verify` checks a file; `loupe backup restore`
// refuses while the server holds the lock and restores once it is stopped.
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { openStore } from "../../src/store/store.ts";
import { BUN, ROOT, runCli, startServerProcess } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

test("backup now while writes stream in: 0 failed writes, the drill passes; verify; restore refused while serving, done once stopped", async () => {
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
  };
  const server = await startServerProcess([BUN, join(ROOT, "test", "support", "durability-server.ts")], env);
  let stop = false;
  let ok = 0;
  const failures: number[] = [];
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const res = await fetch(`${server.url}/test/writes/w${w}-${i}`, { method: "POST", body: "payload" });
      if (res.status === 201) ok++;
      else failures.push(res.status);
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  while (ok < 200) await Bun.sleep(5);
  const before = ok;
  const backup = await runCli(["backup", "now"], env);
  const after = ok;
  stop = true;
  await Promise.all(writers);
  expect({ code: backup.code, stderr: backup.stderr }).toEqual({ code: 0, stderr: "" });
  // Log events (JSON lines) go to stdout too; the person's line is the last one.
  const said = (out: string) => out.trim().split("\n").at(-1)!;
  expect(said(backup.stdout)).toMatch(/^backup \S+\.age \([\d.]+ [kMG]B\) written; restore drill passed in [\d.]+ s$/);
  expect(failures).toEqual([]);
  expect(after).toBeGreaterThan(before);

  const file = said(backup.stdout).split(" ")[1]!;
  const verify = await runCli(["backup", "verify", file], env);
  expect(verify.code).toBe(0);
  expect(said(verify.stdout)).toMatch(
    /^backup ok: taken \S+ by Loupe \S+, schema \d{4}_\w+\.sql, \d+ rows, \d+ audit entries verified; the app booted on the copy is ready and (returned the recorded audit entry \d+ \([\w.]+\)|the backup recorded no record to fetch)$/,
  );

  const refused = await runCli(["backup", "restore", file], env);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/^loupe: Another Loupe process \(pid \d+, "serve"\) is using .*; stop it first\.\n$/);

  server.proc.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  const restored = await runCli(["backup", "restore", file], env);
  expect({ code: restored.code, stderr: restored.stderr }).toEqual({ code: 0, stderr: "" });
  expect(said(restored.stdout)).toContain("retention and purge ran; the previous data is in ");
  // The snapshot holds every write acknowledged before the backup began and none after it ended.
  const store = openStore({
    dataDir: env.LOUPE_DATA_DIR,
    masterKey: { kind: "env", key: Buffer.from(env.LOUPE_MASTER_KEY, "base64") },
    create: false,
  });
  try {
    const n = store.db.get<{ n: number }>("SELECT count(*) AS n FROM test_writes")!.n;
    expect(n).toBeGreaterThanOrEqual(before);
    expect(n).toBeLessThanOrEqual(after + 8);
  } finally {
    store.close();
  }
  const list = await runCli(["backup", "list"], env);
  expect(list.stdout).toMatch(/loupe-\d{8}T\d{6}Z\.age\s+[\d.]+ [kMG]B\s+drill passed/);

  const broken = await runCli(["backup", "verify", join(dir.path, "data", "loupe.db")], env);
  expect(broken.code).toBe(2);
  expect(broken.stderr.trim().split("\n")).toHaveLength(1);
}, 120_000);
