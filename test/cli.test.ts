// Invariant: the `loupe` CLI does what its help says, and every failure is one line on stderr with
// a meaningful exit code (2 configuration/keys, 64 usage), never a stack trace.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { CLI, runCli, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

test("version and --help", async () => {
  const [version, help] = await Promise.all([runCli(["version"], {}), runCli(["--help"], {})]);
  expect(version.code).toBe(0);
  expect(version.stdout.trim()).toBe(pkg.version);
  expect(help.code).toBe(0);
  for (const command of [
    "serve",
    "migrate status",
    "key rotate",
    "--data-key",
    "config check",
    "healthcheck",
    "version",
  ]) {
    expect(help.stdout).toContain(command);
  }
});

test("usage errors exit 64 with one line", async () => {
  const runs = await Promise.all(
    [["frobnicate"], ["migrate"], ["key", "spin"], ["key", "rotate", "--new-key-file"]].map((args) => runCli(args, {})),
  );
  for (const res of runs) {
    expect(res.code).toBe(64);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
  }
});

test("config check names every bad variable at once and exits 2", async () => {
  const res = await runCli(["config", "check"], { LOUPE_PORT: "99999", LOUPE_LOG_LEVEL: "loud" });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain("LOUPE_PORT");
  expect(res.stderr).toContain("LOUPE_LOG_LEVEL");
  expect(res.stderr.trim().split("\n")).toHaveLength(1);
});

test("npm start on a fresh directory generates a 0600 key outside the data dir, serves, and stops cleanly on SIGTERM", async () => {
  const cwd = join(dir.path, "fresh");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(cwd);
  const check = await runCli(["config", "check"], { LOUPE_PORT: "0" }, cwd);
  expect(check.code).toBe(0);
  expect(check.stdout).toContain("will be generated");
  const server = await startServerProcess(CLI, {}, cwd);
  const port = server.port;
  const keyFile = join(cwd, ".loupe-keys", "master.key");
  expect(server.stderr()).toContain(keyFile);
  expect(server.stderr()).toContain(`http://127.0.0.1:${port}`);
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
  expect(statSync(join(cwd, ".loupe-keys")).mode & 0o777).toBe(0o700);
  expect(server.stdout()).not.toContain(readFileSync(keyFile, "utf8").trim());
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  // A second server on the same data directory is refused while the first runs.
  const [second, health] = await Promise.all([
    runCli(["serve"], { LOUPE_PORT: "0" }, cwd),
    runCli(["healthcheck"], { LOUPE_PORT: String(port) }, cwd),
  ]);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain("Another Loupe process");
  expect(health.code).toBe(0);

  server.proc.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(server.stdout()).toContain('"msg":"server.stopped"');
  // Graceful stop checkpointed the WAL into the database and released the lock.
  const wal = join(cwd, "data", "loupe.db-wal");
  expect(!existsSync(wal) || statSync(wal).size === 0).toBe(true);
  expect(existsSync(join(cwd, "data", "loupe.lock"))).toBe(false);
  const [stopped, status, configured] = await Promise.all([
    runCli(["healthcheck"], { LOUPE_PORT: String(port) }, cwd),
    runCli(["migrate", "status"], {}, cwd),
    runCli(["config", "check"], {}, cwd),
  ]);
  expect(stopped.code).toBe(1);

  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(/^applied\s+0001_instance\.sql /m);
  expect(configured.stdout).toMatch(/master key\s+\S+master\.key \(id [0-9a-f]{12}\)/);
});

test("an in-flight request finishes during graceful shutdown", async () => {
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "g", "data"),
    LOUPE_KEY_DIR: join(dir.path, "g", "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_LOG_LEVEL: "debug",
  };
  const { BUN, ROOT } = await import("./support/subprocess.ts");
  const server = await startServerProcess([BUN, join(ROOT, "test", "support", "durability-server.ts")], env);
  // A slow upload: the body arrives after SIGTERM was sent.
  let push: (chunk: string) => void = () => {};
  let end: () => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (chunk) => controller.enqueue(new TextEncoder().encode(chunk));
      end = () => controller.close();
    },
  });
  const pending = fetch(`${server.url}/test/writes/in-flight`, { method: "POST", body, duplex: "half" } as RequestInit);
  push("part one ");
  await server.waitForStdout('"msg":"test.write_started"');
  server.proc.kill("SIGTERM");
  await server.waitForStdout('"msg":"server.stopping"');
  push("part two");
  end();
  const res = await pending;
  expect(res.status).toBe(201);
  expect(await server.exited).toBe(0);
});

test("migrate status on a directory with no data says so instead of creating it", async () => {
  const res = await runCli(["migrate", "status"], {
    LOUPE_DATA_DIR: join(dir.path, "none", "data"),
    LOUPE_KEY_DIR: join(dir.path, "none", "keys"),
  });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain("no Loupe data");
  expect(existsSync(join(dir.path, "none"))).toBe(false);
});
