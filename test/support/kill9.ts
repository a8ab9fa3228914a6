import { join } from "node:path";
import { freePort, ROOT, BUN, startServerProcess } from "./subprocess.ts";

export type Kill9Result = { acked: string[]; attempted: number; failedAfterKill: number };

/**
 * Starts the durability server, keeps `concurrency` writers busy, SIGKILLs the server after
 * `killAfterMs`, and returns the ids the server acknowledged (201) before it died.
 */
export async function runKill9Round(
  env: Record<string, string>,
  options: { concurrency: number; killAfterMs: number; round: number },
): Promise<Kill9Result> {
  const port = freePort();
  const server = await startServerProcess([BUN, join(ROOT, "test", "support", "durability-server.ts")], { ...env, LOUPE_PORT: String(port) }, port);
  const acked: string[] = [];
  let attempted = 0;
  let failedAfterKill = 0;
  let killed = false;
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const id = `r${options.round}-w${w}-${i}`;
      attempted++;
      try {
        const res = await fetch(`${server.url}/test/writes/${id}`, { method: "POST", body: `payload ${id} `.repeat(20) });
        if (res.status === 201) acked.push(id);
      } catch {
        failedAfterKill++;
        return;
      }
    }
  };
  const writers = Array.from({ length: options.concurrency }, (_, w) => writer(w));
  await Bun.sleep(options.killAfterMs);
  server.proc.kill("SIGKILL");
  killed = true;
  await Promise.all(writers);
  await server.exited;
  return { acked, attempted, failedAfterKill };
}
