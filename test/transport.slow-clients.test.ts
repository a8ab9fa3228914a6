// Invariant (SECURITY.md T-R7): idle, slowloris and slow-body connections cannot starve normal requests.
// The server closes each of them on its own — silent keep-alive and slow bodies after
// LOUPE_IDLE_TIMEOUT_SECONDS, a connection that never completes its first request head at Bun's fixed
// header deadline — and an oversized header gets 431. (The p95 of normal requests meanwhile: bench/slow-clients.ts.)
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { openIdle, openKeptAlive, openSlowBody, openSlowloris, type SlowClient } from "./support/slow-clients.ts";
import { CLI, type RunningServer, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
let server: RunningServer;
const clients: SlowClient[] = [];

beforeAll(async () => {
  server = await startServerProcess(CLI, {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_IDLE_TIMEOUT_SECONDS: "2",
  });
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  server.proc.kill("SIGTERM");
  await server.exited;
  dir.remove();
});

test(
  "1,000 idle + 50 slowloris + 20 slow-body connections: normal requests still succeed; the server closes every one of them",
  async () => {
    const idle = await openIdle(server.port, 1000);
    const slowloris = await openSlowloris(server.port, 50);
    clients.push(...idle, ...slowloris);
    const slowBody = await openSlowBody(server.port, 20);
    const keptAlive = await openKeptAlive(server.port, 20);
    clients.push(...slowBody, ...keptAlive);

    // Normal traffic while all of them are open, on fresh connections.
    for (let round = 0; round < 5; round++) {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${server.url}/healthz`).then((res) => res.status)),
      );
      expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    }
    // A header above Bun's 16 KiB limit is refused, and the server stays fine.
    const oversized = await fetch(`${server.url}/healthz`, { headers: { "X-Big": "a".repeat(20_000) } });
    expect(oversized.status).toBe(431);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // Every connection ends from the server's side (closedByServer only resolves if we did not close it).
    const keptAliveClosed = await Promise.all(keptAlive.map((c) => c.closedByServer));
    const slowBodyClosed = await Promise.all(slowBody.map((c) => c.closedByServer));
    const idleClosed = await Promise.all(idle.map((c) => c.closedByServer));
    const slowlorisClosed = await Promise.all(slowloris.map((c) => c.closedByServer));

    // Kept-alive connections had their answer; slow bodies and half-sent heads never reached a handler's answer.
    for (const closed of keptAliveClosed) expect(closed.received).toStartWith("HTTP/1.1 200");
    for (const closed of [...slowBodyClosed, ...idleClosed, ...slowlorisClosed]) expect(closed.received).toBe("");
    // The configured idle timeout (2 s) closed the silent keep-alive connections and the slow bodies before
    // Bun's fixed deadline for a first request head (about 10 s) closed the connections opened before them.
    const firstIdleClose = Math.min(...idleClosed.map((c) => c.at));
    expect(Math.max(...keptAliveClosed.map((c) => c.at), ...slowBodyClosed.map((c) => c.at))).toBeLessThan(
      firstIdleClose,
    );
    // Dripping header bytes every 500 ms did not buy time: the slowloris connections were closed all the same.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  },
  { timeout: 60_000 },
);
