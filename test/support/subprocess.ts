import { type Subprocess, spawn } from "bun";
import { join, resolve } from "node:path";
import { recordRunLog } from "./logs.ts";

export const ROOT = resolve(import.meta.dir, "..", "..");
export const BUN = process.execPath;

export type RunningServer = {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number>;
};

/** The environment a child gets: PATH and HOME only, plus what the test gives. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env };
}

async function collect(stream: ReadableStream<Uint8Array>, sink: string[]): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) sink.push(decoder.decode(chunk, { stream: true }));
}

/** Starts `cmd` and waits until GET /healthz answers on `port`. Its stdout goes to the run's log scan. */
export async function startServerProcess(cmd: string[], env: Record<string, string>, port: number, cwd = ROOT): Promise<RunningServer> {
  const proc = spawn(cmd, { cwd, env: childEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out: string[] = [];
  const err: string[] = [];
  const done = Promise.all([collect(proc.stdout, out), collect(proc.stderr, err)]).then(() => recordRunLog(out.join("")));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(50);
  }
  if (proc.exitCode !== null || Date.now() >= deadline) {
    proc.kill(9);
    await done;
    throw new Error(`server did not start: ${err.join("")}`);
  }
  return {
    proc,
    url,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    exited: proc.exited.then(async (code) => {
      await done;
      return code;
    }),
  };
}

/** A free TCP port on loopback. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = server.port as number;
  server.stop(true);
  return port;
}

export const CLI = [BUN, join(ROOT, "src", "cli.ts")];

/** Runs the CLI to completion. */
export async function runCli(args: string[], env: Record<string, string>, cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn([...CLI, ...args], { cwd, env: childEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  recordRunLog(stdout);
  return { code, stdout, stderr };
}
