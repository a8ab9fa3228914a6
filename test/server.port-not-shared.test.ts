// Invariant: a Loupe server never shares its port (no SO_REUSEPORT, so the kernel cannot split sign-ins
// between two servers) nor its data directory; a second `loupe serve` exits at once with one line naming which.
import { afterAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { CLI, runCli, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

const envFor = (name: string, port: number) => ({
  LOUPE_DATA_DIR: join(dir.path, name, "data"),
  LOUPE_KEY_DIR: join(dir.path, name, "keys"),
  LOUPE_MASTER_KEY: newMasterKeyText(),
  LOUPE_PORT: String(port),
});

test("a second server on the same port exits naming the port; one on the same data directory exits naming the lock", async () => {
  const envA = envFor("a", 0);
  const first = await startServerProcess(CLI, envA);
  const port = first.port;
  try {
    const samePort = await runCli(["serve"], envFor("b", port));
    expect(samePort.code).toBe(2);
    expect(samePort.stderr.trim().split("\n")).toEqual([
      `loupe: Port ${port} on 127.0.0.1 is already in use (another Loupe or another program listens there); stop it or set LOUPE_PORT.`,
    ]);
    // It failed before touching any data: no keyring, no database, no lock left behind.
    for (const file of ["keyring.json", "loupe.db", "loupe.lock"])
      expect(existsSync(join(dir.path, "b", "data", file))).toBe(false);

    const sameDir = await runCli(["serve"], { ...envA, LOUPE_PORT: "0" });
    expect(sameDir.code).toBe(2);
    const lines = sameDir.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Another Loupe process (pid ${first.proc.pid}, "serve")`);
    expect(lines[0]).toContain(join(envA.LOUPE_DATA_DIR, "loupe.lock"));

    // The first server still answers every connection itself.
    for (let i = 0; i < 20; i++) expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
  } finally {
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  }
});

test("a port another program opened with SO_REUSEPORT is refused too: Loupe never sets the flag", async () => {
  // With SO_REUSEPORT on both sockets the kernel would accept the second bind and share the port.
  const other = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: true,
    fetch: () => new Response("someone else"),
  });
  const port = other.port as number;
  try {
    const res = await runCli(["serve"], envFor("c", port));
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("someone else");
  } finally {
    other.stop(true);
  }
});
