import { join, resolve } from "node:path";
import { type Subprocess, spawn } from "bun";
import { recordRunLog } from "./logs.ts";

export const ROOT = resolve(import.meta.dir, "..", "..");
export const BUN = process.execPath;

export type RunningServer = {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  /** The port the server chose (it binds port 0, so two servers can never race for one). */
  port: number;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Resolves once the server's stdout contains `text` (e.g. a log event); rejects if it exits first. */
  waitForStdout(text: string): Promise<void>;
  /** Resolves with the exit code. */
  exited: Promise<number>;
};

/** The environment a child gets: PATH and HOME only, plus what the test gives. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env };
}

async function collect(stream: ReadableStream<Uint8Array>, sink: string[], onChunk?: () => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    sink.push(decoder.decode(chunk, { stream: true }));
    onChunk?.();
  }
}

/** The notice startServer prints once Bun.serve is bound (src/main.ts). */
const LISTENING = /is listening on (https?):\/\/\S+?:(\d+) /;
const START_TIMEOUT_MS = 20_000;

/**
 * Starts a server `cmd` on LOUPE_PORT=0, waits until it announces the port the kernel gave it, and
 * checks that /healthz answers there.
 * Its stdout goes to the run's log scan. A test that needs a public URL sets LOUPE_PUBLIC_URL and
 * sends requests to `url` (as behind a reverse proxy).
 */
export async function startServerProcess(
  cmd: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<RunningServer> {
  const proc = spawn(cmd, {
    cwd,
    env: childEnv({ ...env, LOUPE_PORT: "0" }),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out: string[] = [];
  const err: string[] = [];
  let announced = (_port: number) => {};
  const listening = new Promise<number>((resolve) => (announced = resolve));
  let scheme = "http";
  const seePort = () => {
    const match = LISTENING.exec(err.join(""));
    if (match) {
      scheme = match[1] as string;
      announced(Number(match[2]));
    }
  };
  const stdoutWaiters = new Set<() => void>();
  const done = Promise.all([
    collect(proc.stdout, out, () => {
      for (const check of stdoutWaiters) check();
    }),
    collect(proc.stderr, err, seePort),
  ]).then(() => recordRunLog(out.join("")));
  let timer: Timer | undefined;
  const port = await Promise.race([
    listening,
    done.then(() => undefined),
    new Promise<undefined>((resolve) => (timer = setTimeout(resolve, START_TIMEOUT_MS))),
  ]);
  clearTimeout(timer);
  if (port === undefined) {
    proc.kill(9);
    await done;
    throw new Error(`server did not start: ${err.join("")}`);
  }
  // Answered only after startServer returned, so the caller's signal handlers are in place too.
  // A server with LOUPE_TLS_CERT speaks HTTPS, with the test's own self-signed certificate.
  const insecure = scheme === "https" ? { tls: { rejectUnauthorized: false } } : {};
  const health = await fetch(`${scheme}://127.0.0.1:${port}/healthz`, insecure).catch((error: unknown) => error);
  if (!(health instanceof Response) || health.status !== 200) {
    proc.kill(9);
    await done;
    throw new Error(
      `server on port ${port} is not healthy: ${health instanceof Response ? health.status : String(health)} ${err.join("")}`,
    );
  }
  return {
    proc,
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    stdout: () => out.join(""),
    stderr: () => err.join(""),
    waitForStdout: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!out.join("").includes(text)) return;
          stdoutWaiters.delete(check);
          resolve();
        };
        stdoutWaiters.add(check);
        check();
        void done.then(() => {
          if (stdoutWaiters.delete(check)) reject(new Error(`the server exited before printing ${text}`));
        });
      }),
    exited: proc.exited.then(async (code) => {
      await done;
      return code;
    }),
  };
}

export const CLI = [BUN, join(ROOT, "src", "cli.ts")];

export type ClockServer = RunningServer & {
  /** The server's time (epoch ms). */
  now(): number;
  /** Moves the server's clock forward and returns its new time. */
  advanceClock(ms: number): Promise<number>;
};

/** The real server on a clock that starts at `startMs` and moves only when the test says (test/support/clock-server.ts). */
export async function startClockServer(env: Record<string, string>, startMs: number): Promise<ClockServer> {
  const server = await startServerProcess([BUN, join(ROOT, "test", "support", "clock-server.ts")], {
    ...env,
    TEST_CLOCK_START_MS: String(startMs),
  });
  let now = startMs;
  return {
    ...server,
    now: () => now,
    async advanceClock(ms) {
      const res = await fetch(`${server.url}/test/clock`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ advanceMs: ms }),
      });
      if (res.status !== 200) throw new Error(`advancing the clock failed: ${res.status} ${await res.text()}`);
      now = ((await res.json()) as { now: number }).now;
      return now;
    },
  };
}

/** Runs the CLI to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn([...CLI, ...args], { cwd, env: childEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  recordRunLog(stdout);
  return { code, stdout, stderr };
}
