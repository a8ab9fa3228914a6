import { join } from "node:path";
import { BUN, ROOT, startServerProcess } from "./subprocess.ts";

export type Kill9Result = { acked: string[]; attempted: number; failedAfterKill: number };

/**
 * Starts the durability server, keeps `concurrency` writers busy, SIGKILLs the server as soon as it
 * has acknowledged `killAfterAcks` writes (the other writers are in flight), and returns the ids the
 * server acknowledged (201) before it died. Counting acknowledgements instead of sleeping makes every
 * round write the same amount however busy the machine is.
 */
export async function runKill9Round(
  env: Record<string, string>,
  options: { concurrency: number; killAfterAcks: number; round: number },
): Promise<Kill9Result> {
  const server = await startServerProcess([BUN, join(ROOT, "test", "support", "durability-server.ts")], env);
  const acked: string[] = [];
  let attempted = 0;
  let failedAfterKill = 0;
  let killed = false;
  let enoughAcked = () => {};
  const enough = new Promise<void>((resolve) => (enoughAcked = resolve));
  const writer = async (w: number) => {
    for (let i = 0; !killed; i++) {
      const id = `r${options.round}-w${w}-${i}`;
      attempted++;
      try {
        const res = await fetch(`${server.url}/test/writes/${id}`, {
          method: "POST",
          body: `payload ${id} `.repeat(20),
        });
        if (res.status === 201) acked.push(id);
        if (acked.length >= options.killAfterAcks) enoughAcked();
      } catch {
        failedAfterKill++;
        return;
      }
    }
  };
  const writers = Array.from({ length: options.concurrency }, (_, w) => writer(w));
  // A server that dies early ends the writers; then there is nothing left to wait for.
  await Promise.race([enough, Promise.all(writers)]);
  server.proc.kill("SIGKILL");
  killed = true;
  await Promise.all(writers);
  await server.exited;
  return { acked, attempted, failedAfterKill };
}
